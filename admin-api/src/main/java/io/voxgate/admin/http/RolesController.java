package io.voxgate.admin.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.Role;
import io.voxgate.admin.rbac.RolePermissions;
import io.voxgate.config.admin.CustomRoles;
import io.voxgate.config.admin.CustomRoles.CustomRole;
import io.voxgate.config.tenant.Tenant;

/**
 * {@code /api/v1/tenants/{slug}/roles}: the built-in roles and the tenant's custom ones, built
 * from the same permissions. A custom role grants only permissions its author holds, so holding
 * {@code roles_write} is no way to more power than one has.
 */
@Controller("/api/v1/tenants/{slug}/roles")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RolesController {

    @Serdeable
    public record RoleBody(@Nullable List<String> permissions) {
    }

    private final CustomRoles roles;
    private final RolePermissions permissions;
    private final TenantScope scope;
    private final AccessAudit access;

    public RolesController(CustomRoles roles, RolePermissions permissions, TenantScope scope, AccessAudit access) {
        this.roles = roles;
        this.permissions = permissions;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.TENANTS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (Role role : Role.values()) {
            if (role != Role.PLATFORM_OPERATOR) {
                items.add(view(role.id(), true, role.permissions()));
            }
        }
        for (CustomRole role : roles.list(tenant.get())) {
            items.add(view(role.roleId(), false, RolePermissions.parse(role.permissions())));
        }
        items.sort(java.util.Comparator.comparing(item -> (String) item.get("role")));
        return HttpResponse.ok(Pages.of(items, item -> (String) item.get("role"), after, limit, item -> item));
    }

    /** Creates or replaces the custom role {@code custom:<name>}; accounts holding it get the change at their next request. */
    @Put("/{name}")
    @RequiresPermission(Permission.ROLES_WRITE)
    public MutableHttpResponse<?> put(HttpRequest<?> request, @PathVariable String slug, @PathVariable String name, @Body RoleBody body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PUT " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        if (!name.matches("[a-z][a-z0-9-]{1,39}") || Role.fromId(name).isPresent()) {
            return Problems.invalid("name", "2-40 lower-case letters, digits or '-', starting with a letter, and not a built-in role's name");
        }
        if (body.permissions() == null || body.permissions().isEmpty()) {
            return Problems.invalid("permissions", "at least one permission, e.g. [\"users_read\"]");
        }
        Set<Permission> held = permissions.of(principal);
        List<String> granted = new ArrayList<>();
        for (String permissionName : body.permissions()) {
            Optional<Permission> permission = RolePermissions.byName(permissionName);
            if (permission.isEmpty() || !RolePermissions.GRANTABLE.contains(permission.get())) {
                return Problems.invalid("permissions", "'" + permissionName + "' is no permission a tenant's role may hold");
            }
            if (!held.contains(permission.get())) {
                return Problems.permissionNotHeld("you cannot grant " + permissionName + ": your role does not hold it", "permissions");
            }
            granted.add(permission.get().name().toLowerCase(Locale.ROOT));
        }
        Optional<CustomRole> before = roles.find(tenant.get(), name);
        if (before.isPresent() && !held.containsAll(RolePermissions.parse(before.get().permissions()))) {
            return notHeld(name); // nor may a lesser author rewrite a role stronger than their own
        }
        CustomRole saved = roles.put(tenant.get(), new CustomRole(name, granted.stream().distinct().sorted().toList()));
        access.changed(principal, tenant.get(), "role.put", saved.roleId(), Map.of("before", String.valueOf(before.map(CustomRole::permissions)
                .orElse(null)), "after", String.valueOf(saved.permissions())));
        return HttpResponse.ok(view(saved.roleId(), false, RolePermissions.parse(saved.permissions())));
    }

    @Delete("/{name}")
    @RequiresPermission(Permission.ROLES_WRITE)
    public MutableHttpResponse<?> delete(HttpRequest<?> request, @PathVariable String slug, @PathVariable String name) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        Optional<CustomRole> existing = tenant.flatMap(t -> roles.find(t, name));
        if (existing.isPresent() && !permissions.of(principal).containsAll(RolePermissions.parse(existing.get().permissions()))) {
            return notHeld(name);
        }
        try {
            if (tenant.isEmpty() || !roles.delete(tenant.get(), name)) {
                return notFound(slug);
            }
        } catch (IllegalStateException held) {
            return Problems.of(HttpStatus.CONFLICT, "role-in-use", "Conflict", held.getMessage() + ": give them another role first", "name");
        }
        access.changed(principal, tenant.get(), "role.delete", CustomRoles.ROLE_PREFIX + name, Map.of());
        return HttpResponse.noContent();
    }

    private static Map<String, Object> view(String id, boolean builtIn, Set<Permission> granted) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("role", id);
        view.put("builtIn", builtIn);
        view.put("permissions", granted.stream().map(p -> p.name().toLowerCase(Locale.ROOT)).sorted().toList());
        return view;
    }


    private static MutableHttpResponse<?> notHeld(String name) {
        return Problems.permissionNotHeld("role custom:" + name + " holds permissions your role does not", "name");
    }

    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such role in tenant '" + slug + "'", null);
    }
}
