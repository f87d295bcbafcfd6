package io.voxgate.admin.http;

import java.time.Duration;
import java.util.Set;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.RouteAttributes;
import io.voxgate.admin.auth.AdminLogin;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.provisioning.RequestRateLimit;

/**
 * Every {@code /api/v1} request but the login steps needs a valid access token of an open
 * session ({@code Authorization: Bearer}) and a role holding the permission the endpoint
 * declares ({@link RequiresPermission}; an endpoint that declares none is refused to all). The
 * principal goes on the request for the controller.
 * The session lookup is JDBC, so the filter runs on the blocking executor.
 */
@ServerFilter("/api/v1/**")
public class BearerAuthentication {

    private static final String PRINCIPAL = "voxgate.admin.principal";
    private static final Set<String> OPEN = Set.of("/api/v1/auth/login", "/api/v1/auth/totp/enrol", "/api/v1/auth/totp/confirm",
            "/api/v1/auth/refresh", "/api/v1/openapi.yml", "/api/v1/oauth/token");

    private final AdminLogin login;
    private final RolePermissions roles;
    private final AccessAudit access;
    /** Logins and other unauthenticated requests, per source address (IPv6: per /64). */
    private final RequestRateLimit perAddress;
    /** Requests per session: one token holder's. */
    private final RequestRateLimit perToken;

    public BearerAuthentication(AdminLogin login, AccessAudit access, AdminApiSettings settings, RolePermissions roles) {
        this.login = login;
        this.roles = roles;
        this.access = access;
        this.perAddress = new RequestRateLimit(settings.requestsPerMinutePerAddress(), Duration.ofMinutes(1));
        this.perToken = new RequestRateLimit(settings.requestsPerMinutePerToken(), Duration.ofMinutes(1));
    }

    /** Null lets the request through to its controller. */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        String source = RequestRateLimit.sourceKey(request.getRemoteAddress());
        if (OPEN.contains(request.getPath())) {
            return perAddress.allow(source) ? null : tooMany(perAddress.secondsUntilReset(source));
        }
        String header = request.getHeaders().getAuthorization().orElse("");
        AdminPrincipal principal = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? login.authenticate(header.substring(7).strip()).orElse(null) : null;
        if (principal == null) {
            return perAddress.allow(source) ? Problems.unauthorized() : tooMany(perAddress.secondsUntilReset(source));
        }
        String session = principal.sessionId().toString();
        if (!perToken.allow(session)) {
            return tooMany(perToken.secondsUntilReset(session));
        }
        Permission needed = RouteAttributes.getRouteMatch(request)
                .flatMap(route -> route.getAnnotationMetadata().enumValue(RequiresPermission.class, Permission.class)).orElse(null);
        if (needed == null) {
            return Problems.of(HttpStatus.FORBIDDEN, "no-permission-declared", "Forbidden",
                    "this endpoint declares no permission, so nobody may use it", null);
        }
        String permission = needed.name().toLowerCase(java.util.Locale.ROOT);
        if (principal.isApp()) {
            if (principal.scopes() == null || !principal.scopes().contains(permission)) {
                access.denied(principal, request.getMethodName() + " " + request.getPath(), permission);
                return Problems.of(HttpStatus.FORBIDDEN, "scope-required", "Forbidden",
                        "the app's token lacks scope " + permission, null);
            }
        } else if (!roles.allows(principal, needed)) {
            access.denied(principal, request.getMethodName() + " " + request.getPath(), needed.name().toLowerCase(java.util.Locale.ROOT));
            return Problems.of(HttpStatus.FORBIDDEN, "permission-required", "Forbidden",
                    "role " + principal.role() + " lacks permission " + needed.name().toLowerCase(java.util.Locale.ROOT), null);
        }
        request.setAttribute(PRINCIPAL, principal);
        return null;
    }

    private static MutableHttpResponse<?> tooMany(long retryAfterSeconds) {
        return Problems.of(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests", "try again in " + retryAfterSeconds + " s",
                null).header("Retry-After", Long.toString(retryAfterSeconds));
    }

    static AdminPrincipal principal(HttpRequest<?> request) {
        return request.getAttribute(PRINCIPAL, AdminPrincipal.class).orElse(null);
    }
}
