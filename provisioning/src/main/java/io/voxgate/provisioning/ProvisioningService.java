package io.voxgate.provisioning;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.User;
import io.voxgate.config.user.UserDirectory;
import io.voxgate.provisioning.template.PhoneConfig;
import io.voxgate.provisioning.template.Vendor;
import io.voxgate.provisioning.template.VendorTemplates;
import io.voxgate.certs.DeviceIdentity;

/**
 * Answers a phone that proved who it is (its certificate passed the handshake) with its own
 * configuration file, and nothing else: the file must name the certificate's MAC, and that MAC
 * must be enrolled, active and owned by an active user. Every answer about a phone's file is
 * audited (device, address, file, result) in the phone's tenant, or in the control log when the
 * MAC belongs to no tenant. Blocking (JDBC): run it off the event loops.
 */
public final class ProvisioningService {

    /** @param device the identity the handshake verified */
    public record Request(String method, String path, InetSocketAddress peer, DeviceIdentity device) {
    }

    public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Response text(int status, String message) {
            return new Response(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }
    }

    private static final Logger log = LoggerFactory.getLogger(ProvisioningService.class);
    private static final String ACTION = "provisioning.download";

    private final TenantDirectory tenants;
    private final DeviceDirectory devices;
    private final UserDirectory users;
    private final AuditLog audit;
    private final VendorTemplates templates;
    private final PhoneDefaults defaults;
    private final String trustedCaPem;
    private final RequestRateLimit perAddress;
    private final RequestRateLimit perCertificate;
    private final MeterRegistry metrics;

    public ProvisioningService(TenantDirectory tenants, DeviceDirectory devices, UserDirectory users, AuditLog audit,
                               VendorTemplates templates, PhoneDefaults defaults, String trustedCaPem, RateLimits limits,
                               MeterRegistry metrics) {
        this.tenants = tenants;
        this.devices = devices;
        this.users = users;
        this.audit = audit;
        this.templates = templates;
        this.defaults = defaults;
        this.trustedCaPem = trustedCaPem;
        this.perAddress = new RequestRateLimit(limits.perAddress(), limits.window());
        this.perCertificate = new RequestRateLimit(limits.perCertificate(), limits.window());
        this.metrics = metrics;
    }

    public Response serve(Request request) {
        String address = RequestRateLimit.sourceKey(request.peer());
        if (!perAddress.allow(address)) {
            return tooMany(perAddress.secondsUntilReset(address), "address");
        }
        String certificate = request.device().serial().toString(16);
        if (!perCertificate.allow(certificate)) {
            return tooMany(perCertificate.secondsUntilReset(certificate), "certificate");
        }
        if (!"GET".equals(request.method()) && !"HEAD".equals(request.method())) {
            return new Response(405, "text/plain; charset=utf-8", "only GET\n".getBytes(StandardCharsets.UTF_8),
                    Map.of("Allow", "GET, HEAD"));
        }
        if ("/ca.pem".equals(request.path())) {
            return new Response(200, "application/x-pem-file", trustedCaPem.getBytes(StandardCharsets.US_ASCII), Map.of());
        }
        Optional<Tenant> tenant = tenants.findByDeviceMac(request.device().mac());
        Optional<ProvisioningFile> file = ProvisioningFile.parse(request.path());
        if (file.isEmpty()) {
            return refuse(request, tenant.orElse(null), 404, "no such file", Map.of());
        }
        if (!file.get().mac().equals(request.device().mac())) {
            // the certificate is this phone's; the file is another's
            return refuse(request, tenant.orElse(null), 403, "the certificate names another phone",
                    Map.of("requested_mac", file.get().mac()));
        }
        if (tenant.isEmpty()) {
            return refuse(request, null, 404, "MAC not enrolled", Map.of());
        }
        return serveFile(request, tenant.get(), file.get());
    }

    private Response serveFile(Request request, Tenant tenant, ProvisioningFile file) {
        Optional<Device> device = devices.find(tenant, file.mac());
        if (device.isEmpty()) {
            return refuse(request, tenant, 404, "MAC not enrolled", Map.of());
        }
        if (!"active".equals(device.get().status())) {
            return refuse(request, tenant, 403, "device is " + device.get().status(), Map.of());
        }
        Vendor vendor;
        try {
            vendor = Vendor.fromId(device.get().vendor());
        } catch (IllegalArgumentException e) {
            return refuse(request, tenant, 404, "no template for vendor " + device.get().vendor(), Map.of());
        }
        if (!file.isFor(vendor)) {
            return refuse(request, tenant, 404, "the phone is enrolled as " + vendor.id() + ", which does not use this file name",
                    Map.of());
        }
        if (vendor == Vendor.POLY && file.name().equalsIgnoreCase(file.mac() + ".cfg")) {
            record(request, tenant, AuditEvent.Outcome.SUCCESS, 200, null, Map.of("vendor", vendor.id(), "file", "master"));
            return new Response(200, "application/xml", PolyMasterFile.forPhone(file.mac()), Map.of());
        }
        if (device.get().ownerExtension() == null) {
            return refuse(request, tenant, 403, "device has no owner", Map.of());
        }
        Optional<User> owner = users.find(tenant, device.get().ownerExtension());
        if (owner.isEmpty() || !"active".equals(owner.get().status())) {
            return refuse(request, tenant, 403, "the device's owner is not an active user", Map.of());
        }
        Optional<String> password = users.provisioningPassword(tenant, owner.get().extension());
        if (password.isEmpty()) {
            // set before the switch kept sealed copies, or by a tool without the key
            return failed(request, tenant, 409, "the owner's SIP password must be set again (voxgate users passwd) "
                    + "before this phone can be provisioned");
        }
        PhoneConfig config = new PhoneConfig(file.mac(), vendor, device.get().model(),
                new PhoneConfig.Account(owner.get().displayName(), owner.get().extension(), owner.get().sipUsername(),
                        password.get(), tenant.primaryDomain()),
                defaults.sipServer(), defaults.sipPort(), defaults.provisioningUrl(), trustedCaPem, defaults.ntpServer(),
                defaults.timeZone(), List.of(new PhoneConfig.LineKey(1, "line", "", owner.get().extension())),
                defaults.digitMap(), defaults.reprovisionInterval());
        byte[] body;
        try {
            body = templates.render(tenant.slug(), config);
        } catch (RuntimeException e) {
            log.warn("cannot render {} for {} in {}: {}", file.name(), file.mac(), tenant.slug(), e.getMessage());
            return failed(request, tenant, 500, "the configuration file could not be made");
        }
        record(request, tenant, AuditEvent.Outcome.SUCCESS, 200, null, Map.of("vendor", vendor.id()));
        metrics.counter("voxgate.provisioning.downloads", "vendor", vendor.id()).increment();
        return new Response(200, VendorTemplates.contentType(vendor), body, Map.of());
    }

    /**
     * A connection whose certificate was revoked or superseded after its handshake: refused, and
     * audited in the control log (as the handshake's refusals are).
     */
    public Response certificateRefused(InetSocketAddress peer, String path, io.voxgate.certs.CertificateRefusal refusal) {
        String mac = refusal.claimedMac();
        audit.record(null, new AuditEvent("device:" + (mac == null ? "unknown" : mac), ACTION, path.length() > 200 ? path.substring(0, 200)
                : path, peer.getHostString(), AuditEvent.Outcome.REFUSED, Map.of("status", "403", "reason",
                refusal.reason().name().toLowerCase(java.util.Locale.ROOT))));
        metrics.counter("voxgate.provisioning.refusals", "status", "403").increment();
        return Response.text(403, "forbidden");
    }

    private Response refuse(Request request, Tenant tenant, int status, String reason, Map<String, String> detail) {
        record(request, tenant, AuditEvent.Outcome.REFUSED, status, reason, detail);
        log.info("provisioning: {} from {} for {}: {} {}", request.device().mac(), request.peer().getHostString(),
                request.path(), status, reason);
        metrics.counter("voxgate.provisioning.refusals", "status", Integer.toString(status)).increment();
        return Response.text(status, status == 404 ? "not found" : "forbidden");
    }

    private Response failed(Request request, Tenant tenant, int status, String reason) {
        record(request, tenant, AuditEvent.Outcome.FAILED, status, reason, Map.of());
        log.warn("provisioning: {} from {} for {}: {} {}", request.device().mac(), request.peer().getHostString(),
                request.path(), status, reason);
        return Response.text(status, status == 409 ? "not provisionable yet" : "internal error");
    }

    private void record(Request request, Tenant tenant, AuditEvent.Outcome outcome, int status, String reason,
                        Map<String, String> extra) {
        Map<String, String> detail = new HashMap<>(extra);
        detail.put("status", Integer.toString(status));
        detail.put("certificate_serial", request.device().serial().toString(16));
        detail.put("certificate_issuer", request.device().issuer());
        if (reason != null) {
            detail.put("reason", reason);
        }
        String file = request.path().length() > 200 ? request.path().substring(0, 200) : request.path();
        audit.record(tenant, new AuditEvent(request.device().actor(), ACTION, file, request.peer().getHostString(), outcome, detail));
    }

    private Response tooMany(long retryAfterSeconds, String per) {
        metrics.counter("voxgate.provisioning.rate.limited", "per", per).increment();
        return new Response(429, "text/plain; charset=utf-8", "too many requests\n".getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", Long.toString(retryAfterSeconds)));
    }

    /** Requests allowed per {@code window}, per source address and per client certificate. */
    public record RateLimits(int perAddress, int perCertificate, java.time.Duration window) {
    }
}
