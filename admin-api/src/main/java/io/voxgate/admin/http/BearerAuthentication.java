package io.voxgate.admin.http;

import java.util.Set;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.voxgate.admin.auth.AdminLogin;
import io.voxgate.admin.auth.AdminPrincipal;

/**
 * Every {@code /api/v1} request but the login steps needs a valid access token of an open
 * session ({@code Authorization: Bearer}); the principal goes on the request for the controller.
 * The session lookup is JDBC, so the filter runs on the blocking executor.
 */
@ServerFilter("/api/v1/**")
public class BearerAuthentication {

    private static final String PRINCIPAL = "voxgate.admin.principal";
    private static final Set<String> OPEN = Set.of("/api/v1/auth/login", "/api/v1/auth/totp/enrol", "/api/v1/auth/totp/confirm",
            "/api/v1/auth/refresh");

    private final AdminLogin login;

    public BearerAuthentication(AdminLogin login) {
        this.login = login;
    }

    /** Null lets the request through to its controller. */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public MutableHttpResponse<?> authenticate(HttpRequest<?> request) {
        if (OPEN.contains(request.getPath())) {
            return null;
        }
        String header = request.getHeaders().getAuthorization().orElse("");
        AdminPrincipal principal = header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? login.authenticate(header.substring(7).strip()).orElse(null) : null;
        if (principal == null) {
            return Problems.unauthorized();
        }
        request.setAttribute(PRINCIPAL, principal);
        return null;
    }

    static AdminPrincipal principal(HttpRequest<?> request) {
        return request.getAttribute(PRINCIPAL, AdminPrincipal.class).orElse(null);
    }
}
