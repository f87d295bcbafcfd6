package io.voxgate.admin.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.user.User;
import io.voxgate.config.user.UserDirectory;

/**
 * {@code /api/v1/tenants/{slug}/users}: a tenant's users and extensions. The SIP password is
 * stored as digest hashes (and sealed for provisioning) and never returned, except once, when the
 * switch generated it. Every read of users' details is audited.
 */
@Controller("/api/v1/tenants/{slug}/users")
@ExecuteOn(TaskExecutors.BLOCKING)
public class UsersController {

    @Serdeable
    public record NewUser(@Nullable String extension, @Nullable String displayName, @Nullable String email,
                          @Nullable String sipPassword) {
        @Override
        public String toString() {
            return "NewUser[" + extension + ", password withheld]";
        }
    }

    private final UserDirectory users;
    private final TenantScope scope;
    private final AccessAudit access;
    private final java.security.SecureRandom random = new java.security.SecureRandom();

    public UsersController(UserDirectory users, TenantScope scope, AccessAudit access) {
        this.users = users;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.USERS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        access.read(principal, tenant.get(), "users");
        return HttpResponse.ok(Pages.of(users.list(tenant.get()), User::extension, after, limit, UsersController::view));
    }

    @Get("/{extension}")
    @RequiresPermission(Permission.USERS_READ)
    public MutableHttpResponse<?> get(HttpRequest<?> request, @PathVariable String slug, @PathVariable String extension) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "GET " + request.getPath());
        Optional<User> user = tenant.flatMap(t -> users.find(t, extension));
        if (user.isEmpty()) {
            return notFound(slug);
        }
        access.read(principal, tenant.get(), "user " + extension);
        return HttpResponse.ok(view(user.get())).header("ETag", etag(user.get()));
    }

    @Post
    @RequiresPermission(Permission.USERS_WRITE)
    public MutableHttpResponse<?> create(HttpRequest<?> request, @PathVariable String slug, @Body NewUser body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        if (body.extension() == null || !body.extension().matches("[0-9]{2,10}")) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "extension: 2-10 digits", "extension");
        }
        if (body.displayName() == null || body.displayName().isBlank() || body.displayName().length() > 200) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "displayName: 1-200 characters", "displayName");
        }
        if (body.email() != null && !body.email().matches("[^@\\s]+@[^@\\s]+")) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "email: an address", "email");
        }
        if (body.sipPassword() != null && body.sipPassword().length() < 12) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "sipPassword: at least 12 characters", "sipPassword");
        }
        if (users.find(tenant.get(), body.extension()).isPresent()) {
            return Problems.of(HttpStatus.CONFLICT, "exists", "Conflict", "extension " + body.extension() + " exists already", "extension");
        }
        String password = body.sipPassword() == null ? generatedPassword() : body.sipPassword();
        User created = users.add(tenant.get(), body.extension(), body.displayName(), body.email(), password);
        access.changed(principal, tenant.get(), "user.create", "user " + created.extension(), Map.of("display_name", created.displayName()));
        Map<String, Object> answer = view(created);
        if (body.sipPassword() == null) {
            answer.put("sipPassword", password); // generated here: shown this once, stored only hashed and sealed
        }
        return HttpResponse.created(answer, URI.create("/api/v1/tenants/" + slug + "/users/" + created.extension()))
                .header("ETag", etag(created));
    }

    @Serdeable
    public record UserChange(@Nullable String displayName, @Nullable String email, @Nullable String status) {
    }

    /** Changes a user's details; {@code If-Match} with the ETag last read is required, so two admins cannot overwrite each other. */
    @Patch("/{extension}")
    @RequiresPermission(Permission.USERS_WRITE)
    public MutableHttpResponse<?> update(HttpRequest<?> request, @PathVariable String slug, @PathVariable String extension,
                                         @Body UserChange body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PATCH " + request.getPath());
        Optional<User> before = tenant.flatMap(t -> users.find(t, extension));
        if (before.isEmpty()) {
            return notFound(slug);
        }
        String ifMatch = request.getHeaders().get("If-Match");
        if (ifMatch == null) {
            return Problems.of(HttpStatus.PRECONDITION_REQUIRED, "if-match-required", "Precondition required",
                    "send If-Match with the ETag of the user as you last read it", "If-Match");
        }
        if (!ETags.matchesIfMatch(request, view(before.get()))) {
            return ETags.changedMeanwhile();
        }
        if (body.displayName() != null && (body.displayName().isBlank() || body.displayName().length() > 200)) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "displayName: 1-200 characters", "displayName");
        }
        if (body.email() != null && !body.email().matches("[^@\\s]+@[^@\\s]+")) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "email: an address", "email");
        }
        if (body.status() != null && !java.util.List.of("active", "disabled").contains(body.status())) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", "status: active or disabled", "status");
        }
        User after = users.update(tenant.get(), extension, body.displayName(), body.email(), body.status()).orElseThrow();
        access.changed(principal, tenant.get(), "user.update", "user " + extension, Map.of("before", String.valueOf(view(before.get())),
                "after", String.valueOf(view(after))));
        return HttpResponse.ok(view(after)).header("ETag", etag(after));
    }

    /**
     * Removes a user with its SIP credentials; its phones stay enrolled, without an owner. Every
     * node drops the user's registrations at once (the change feed).
     */
    @Delete("/{extension}")
    @RequiresPermission(Permission.USERS_WRITE)
    public MutableHttpResponse<?> delete(HttpRequest<?> request, @PathVariable String slug, @PathVariable String extension) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        Optional<User> before = tenant.flatMap(t -> users.find(t, extension));
        if (before.isEmpty() || !users.delete(tenant.get(), extension)) {
            return notFound(slug);
        }
        access.changed(principal, tenant.get(), "user.delete", "user " + extension, Map.of("before", String.valueOf(view(before.get()))));
        return HttpResponse.noContent();
    }

    private String generatedPassword() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such user in tenant '" + slug + "'", null);
    }

    private static String etag(User user) {
        return ETags.of(view(user));
    }

    private static Map<String, Object> view(User user) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("extension", user.extension());
        view.put("displayName", user.displayName());
        view.put("email", user.email());
        view.put("sipUsername", user.sipUsername());
        view.put("status", user.status());
        view.put("createdAt", user.createdAt().toString());
        return view;
    }
}
