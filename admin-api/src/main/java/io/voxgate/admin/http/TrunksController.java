package io.voxgate.admin.http;

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
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.calling.Trunk;
import io.voxgate.config.calling.TrunkDirectory;
import io.voxgate.config.tenant.Tenant;

/** {@code /api/v1/tenants/{slug}/trunks}: carrier trunks over TLS; a trunk's password goes in, never out. */
@Controller("/api/v1/tenants/{slug}/trunks")
@ExecuteOn(TaskExecutors.BLOCKING)
public class TrunksController {

    @Serdeable
    public record TrunkBody(@Nullable String host, @Nullable Integer port, @Nullable String username, @Nullable String password,
                            @Nullable String outboundPrefix, @Nullable Boolean enabled) {
        @Override
        public String toString() {
            return "TrunkBody[" + host + ":" + port + ", password withheld]";
        }
    }

    private final TrunkDirectory trunks;
    private final TenantScope scope;
    private final AccessAudit access;

    public TrunksController(TrunkDirectory trunks, TenantScope scope, AccessAudit access) {
        this.trunks = trunks;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.TRUNKS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null);
        }
        return HttpResponse.ok(Pages.of(trunks.list(tenant.get()), Trunk::name, after, limit, TrunksController::view));
    }

    @Put("/{name}")
    @RequiresPermission(Permission.TRUNKS_WRITE)
    public MutableHttpResponse<?> put(HttpRequest<?> request, @PathVariable String slug, @PathVariable String name, @Body TrunkBody body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PUT " + request.getPath());
        if (tenant.isEmpty()) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no tenant '" + slug + "'", null);
        }
        if (!name.matches("[a-z0-9][a-z0-9-]{1,39}")) {
            return Problems.invalid("name", "2-40 lower-case letters, digits or '-'");
        }
        if (body.host() == null || !body.host().matches("[A-Za-z0-9.:-]{1,253}")) {
            return Problems.invalid("host", "the carrier's SIP host name or address");
        }
        int port = body.port() == null ? 5061 : body.port();
        if (port < 1 || port > 65535) {
            return Problems.invalid("port", "1 to 65535 (SIP over TLS: usually 5061)");
        }
        if (body.outboundPrefix() != null && !body.outboundPrefix().matches("[0-9]{0,10}")) {
            return Problems.invalid("outboundPrefix", "up to 10 digits");
        }
        if (body.password() != null && (body.password().length() < 8 || body.password().length() > 200)) {
            return Problems.invalid("password", "8 to 200 characters");
        }
        Trunk trunk = trunks.put(tenant.get(), name, body.host(), port, body.username(), body.password(),
                body.outboundPrefix() == null ? "" : body.outboundPrefix(), body.enabled() == null || body.enabled());
        access.changed(principal, tenant.get(), "trunk.put", name, Map.of("host", trunk.host(), "port", Integer.toString(trunk.port()),
                "password_changed", Boolean.toString(body.password() != null)));
        return HttpResponse.ok(view(trunk));
    }

    @Delete("/{name}")
    @RequiresPermission(Permission.TRUNKS_WRITE)
    public MutableHttpResponse<?> delete(HttpRequest<?> request, @PathVariable String slug, @PathVariable String name) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        Optional<Trunk> before = tenant.flatMap(t -> trunks.find(t, name));
        if (before.isEmpty() || !trunks.delete(tenant.get(), name)) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no trunk '" + name + "' in tenant '" + slug + "'", null);
        }
        access.changed(principal, tenant.get(), "trunk.delete", name, Map.of("before", String.valueOf(view(before.get()))));
        return HttpResponse.noContent();
    }


    private static Map<String, Object> view(Trunk trunk) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", trunk.name());
        view.put("host", trunk.host());
        view.put("port", trunk.port());
        view.put("transport", "tls");
        view.put("username", trunk.username());
        view.put("passwordSet", trunk.passwordSet());
        view.put("outboundPrefix", trunk.outboundPrefix());
        view.put("enabled", trunk.enabled());
        return view;
    }
}
