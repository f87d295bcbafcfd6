package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;

/** {@code GET /api/v1/me}: who the token speaks for. */
@Controller("/api/v1/me")
public class MeController {

    @Get
    @RequiresPermission(Permission.SELF_READ)
    public MutableHttpResponse<?> me(HttpRequest<?> request) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        if (principal == null) {
            return Problems.unauthorized();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accountId", principal.accountId().toString());
        body.put("role", principal.role());
        body.put("tenantId", principal.tenantId() == null ? null : principal.tenantId().toString());
        return HttpResponse.ok(body);
    }
}
