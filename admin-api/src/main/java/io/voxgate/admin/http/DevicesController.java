package io.voxgate.admin.http;

import java.net.URI;
import java.security.cert.CRLReason;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
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
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.certs.DeviceCertificate;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.IssuedCode;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.provisioning.Pem;
import io.voxgate.provisioning.admin.DeviceAdministration;

/**
 * {@code /api/v1/tenants/{slug}/devices}: a tenant's phones through provisioning's own services
 * ({@link DeviceAdministration}, which the CLI calls too): enrol, list, revoke, activation codes.
 */
@Controller("/api/v1/tenants/{slug}/devices")
@ExecuteOn(TaskExecutors.BLOCKING)
public class DevicesController {

    @Serdeable
    /** @param csr PEM PKCS#10 from the phone: the switch's device CA issues its certificate at once */
    public record NewDevice(@Nullable String mac, @Nullable String vendor, @Nullable String model, @Nullable String owner,
                            @Nullable String csr) {
    }

    @Serdeable
    public record NewCode(@Nullable String owner, @Nullable Integer validMinutes) {
    }

    @Serdeable
    public record Revocation(@Nullable String reason) {
    }

    private final DeviceDirectory devices;
    private final DeviceAdministration administration;
    private final TenantScope scope;
    private final SwitchPki pki;
    private final AccessAudit access;

    public DevicesController(DeviceDirectory devices, DeviceAdministration administration, TenantScope scope, SwitchPki pki,
                             AccessAudit access) {
        this.pki = pki;
        this.access = access;
        this.devices = devices;
        this.administration = administration;
        this.scope = scope;
    }

    @Get
    @RequiresPermission(Permission.DEVICES_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        access.read(principal, tenant.get(), "devices"); // who owns which phone: personal data
        return HttpResponse.ok(Pages.of(devices.list(tenant.get()), Device::mac, after, limit, DevicesController::view));
    }

    @Post
    @RequiresPermission(Permission.DEVICES_WRITE)
    public MutableHttpResponse<?> enrol(HttpRequest<?> request, @PathVariable String slug, @Body NewDevice body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        MacAddress mac;
        try {
            mac = MacAddress.parse(body.mac());
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", e.getMessage(), "mac");
        }
        if (body.vendor() == null) {
            return Problems.missing("vendor");
        }
        if (devices.find(tenant.get(), mac.canonical()).isPresent()) {
            return Problems.of(HttpStatus.CONFLICT, "exists", "Conflict", "device " + mac + " is enrolled already", "mac");
        }
        if (body.csr() != null) {
            try {
                pki.checkCsr(body.csr()); // before anything is stored: a bad CSR enrols nothing
            } catch (IllegalArgumentException e) {
                return Problems.invalid("csr", e.getMessage());
            }
        }
        try {
            Device device = administration.enrol(tenant.get(), mac, body.vendor(), body.model(), body.owner(), actor(principal));
            Map<String, Object> answer = view(device);
            if (body.csr() != null) {
                DeviceCertificate issued = administration.issueCertificate(tenant.get(), mac, body.csr(), actor(principal));
                answer.put("certificate", Pem.certificate(issued.certificate()));
                answer.put("chain", issued.chainPem());
            }
            return HttpResponse.created(answer, URI.create("/api/v1/tenants/" + slug + "/devices/" + device.mac()));
        } catch (IllegalArgumentException e) {
            String field = e.getMessage().contains("vendor") ? "vendor" : e.getMessage().contains("owner") ? "owner" : "mac";
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", e.getMessage(), field);
        } catch (io.voxgate.config.db.ConfigStoreException e) {
            // the MAC registry refuses a phone already enrolled elsewhere; which tenant is not for this caller to learn
            return Problems.of(HttpStatus.CONFLICT, "exists", "Conflict", "device " + mac + " cannot be enrolled here", "mac");
        }
    }

    @Post("/{mac}/revoke")
    @RequiresPermission(Permission.DEVICES_WRITE)
    public MutableHttpResponse<?> revoke(HttpRequest<?> request, @PathVariable String slug, @PathVariable String mac,
                                         @Body @Nullable Revocation body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        CRLReason reason;
        try {
            reason = CRLReason.valueOf(body == null || body.reason() == null ? "UNSPECIFIED" : body.reason().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field",
                    "reason: UNSPECIFIED, KEY_COMPROMISE, AFFILIATION_CHANGED, SUPERSEDED or CESSATION_OF_OPERATION", "reason");
        }
        try {
            if (tenant.isEmpty() || !administration.revoke(tenant.get(), MacAddress.parse(mac), reason, actor(principal))) {
                return notFound(slug);
            }
        } catch (IllegalArgumentException e) {
            return notFound(slug);
        }
        return HttpResponse.ok(view(devices.find(tenant.get(), MacAddress.parse(mac).canonical()).orElseThrow()));
    }

    /** Removes a phone for good: its certificate revoked, its registrations dropped, its MAC free to enrol again. */
    @Delete("/{mac}")
    @RequiresPermission(Permission.DEVICES_WRITE)
    public MutableHttpResponse<?> remove(HttpRequest<?> request, @PathVariable String slug, @PathVariable String mac) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        try {
            if (tenant.isEmpty() || !administration.remove(tenant.get(), MacAddress.parse(mac), actor(principal))) {
                return notFound(slug);
            }
        } catch (IllegalArgumentException e) {
            return notFound(slug);
        }
        return HttpResponse.noContent();
    }

    @Post("/activation-codes")
    @RequiresPermission(Permission.DEVICES_WRITE)
    public MutableHttpResponse<?> activationCode(HttpRequest<?> request, @PathVariable String slug, @Body NewCode body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "POST " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        if (body.owner() == null) {
            return Problems.missing("owner");
        }
        try {
            IssuedCode code = administration.createActivationCode(tenant.get(), body.owner(),
                    Duration.ofMinutes(body.validMinutes() == null ? 1440 : body.validMinutes()), actor(principal));
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("code", code.code()); // shown this once; stored only hashed
            answer.put("owner", code.userExtension());
            answer.put("expiresAt", code.expiresAt().toString());
            return HttpResponse.created(answer);
        } catch (IllegalArgumentException e) {
            return Problems.of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", e.getMessage(),
                    e.getMessage().contains("lifetime") || e.getMessage().contains("minute") ? "validMinutes" : "owner");
        }
    }

    private static String actor(AdminPrincipal principal) {
        return AccessAudit.actor(principal);
    }

    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such device in tenant '" + slug + "'", null);
    }

    private static Map<String, Object> view(Device device) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("mac", device.mac());
        view.put("vendor", device.vendor());
        view.put("model", device.model());
        view.put("owner", device.ownerExtension());
        view.put("status", device.status());
        return view;
    }
}
