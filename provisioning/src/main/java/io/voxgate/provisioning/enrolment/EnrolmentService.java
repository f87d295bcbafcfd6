package io.voxgate.provisioning.enrolment;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.certs.DeviceCertificate;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.enrolment.Redemption;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.provisioning.Pem;
import io.voxgate.provisioning.ProvisioningFile;
import io.voxgate.provisioning.RequestRateLimit;
import io.voxgate.provisioning.template.Vendor;

/**
 * Zero-touch enrolment: a client without a device certificate presents a one-time activation
 * code and a CSR, and gets a certificate from the device CA naming its MAC (a pseudo-MAC for a
 * softphone), and where its file is. The CSR is checked before the code is used, so a malformed
 * request does not burn a code. Every attempt is audited; codes never appear in logs or events.
 */
public final class EnrolmentService {

    /** JSON in; answers are JSON too, errors RFC 9457 problem documents naming the field. */
    public record Response(int status, String contentType, byte[] body) {
    }

    private static final Logger log = LoggerFactory.getLogger(EnrolmentService.class);
    private static final String ACTION = "enrolment.redeem";
    private static final int MAX_FIELD = 64;

    private final ActivationCodes codes;
    private final TenantDirectory tenants;
    private final DeviceDirectory devices;
    private final SwitchPki pki;
    private final AuditLog audit;
    private final String provisioningUrl;
    private final MeterRegistry metrics;
    private final RequestRateLimit perAddress;
    private final PseudoMacs pseudoMacs = new PseudoMacs();
    private final ObjectMapper json = new ObjectMapper();

    public EnrolmentService(ActivationCodes codes, TenantDirectory tenants, DeviceDirectory devices, SwitchPki pki, AuditLog audit,
                            String provisioningUrl, int requestsPerMinutePerAddress, MeterRegistry metrics) {
        this.codes = codes;
        this.tenants = tenants;
        this.devices = devices;
        this.pki = pki;
        this.audit = audit;
        this.provisioningUrl = provisioningUrl.endsWith("/") ? provisioningUrl : provisioningUrl + "/";
        this.perAddress = new RequestRateLimit(requestsPerMinutePerAddress, Duration.ofMinutes(1));
        this.metrics = metrics;
    }

    public Response enrol(InetSocketAddress peer, byte[] body) {
        String address = RequestRateLimit.sourceKey(peer);
        if (!perAddress.allow(address)) {
            metrics.counter("voxgate.provisioning.rate.limited", "per", "enrolment-address").increment();
            return problem(429, "Too many requests", "try again in " + perAddress.secondsUntilReset(address) + " s", null);
        }
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (java.io.IOException e) {
            return problem(400, "Not JSON", "the body must be a JSON object with code and csr", null);
        }
        if (request == null || !request.isObject()) {
            return problem(400, "Not JSON", "the body must be a JSON object with code and csr", null);
        }
        Optional<String> code = text(request, "code");
        Optional<String> csr = text(request, "csr");
        if (code.isEmpty()) {
            return problem(400, "Missing field", "code: the activation code an admin gave you", "code");
        }
        if (csr.isEmpty()) {
            return problem(400, "Missing field", "csr: a PEM PKCS#10 certificate request for the device's key", "csr");
        }
        try {
            pki.checkCsr(csr.get());
        } catch (IllegalArgumentException e) {
            return problem(400, "Invalid CSR", e.getMessage(), "csr");
        }
        String mac;
        try {
            mac = text(request, "mac").map(m -> MacAddress.parse(m).canonical()).orElse(null);
        } catch (IllegalArgumentException e) {
            return problem(400, "Invalid field", e.getMessage(), "mac");
        }
        String model = text(request, "model").filter(m -> m.length() <= 100).orElse(null);
        boolean pseudoMac = mac == null;
        if (pseudoMac) {
            mac = unusedPseudoMac();
        }
        return redeem(peer, code.get(), csr.get(), mac, pseudoMac, model);
    }

    private Response redeem(InetSocketAddress peer, String code, String csr, String mac, boolean pseudoMac, String model) {
        Redemption redemption = codes.redeem(code, mac);
        return switch (redemption) {
            case Redemption.Unknown() -> refuse(peer, null, mac, "unknown activation code");
            case Redemption.AlreadyUsed(Tenant tenant) -> refuse(peer, tenant, mac, "activation code already used");
            case Redemption.Expired(Tenant tenant) -> refuse(peer, tenant, mac, "activation code expired");
            case Redemption.Redeemed redeemed -> issue(peer, redeemed, csr, mac, pseudoMac, model);
        };
    }

    private Response issue(InetSocketAddress peer, Redemption.Redeemed redeemed, String csr, String mac, boolean pseudoMac,
                           String model) {
        Vendor vendor;
        Tenant tenant = redeemed.tenant();
        Optional<Device> existing = devices.find(tenant, mac);
        if (existing.isPresent()) {
            // a hard phone an admin enrolled for this very user: the code only replaces its missing factory certificate
            Device device = existing.get();
            if (!redeemed.userExtension().equals(device.ownerExtension()) || !"active".equals(device.status())) {
                return refuse(peer, tenant, mac, "the phone is enrolled for another user, or not active");
            }
            vendor = Vendor.fromId(device.vendor());
        } else if (!pseudoMac) {
            // A code must not claim a real MAC nobody enrolled: the phone it belongs to (another tenant's,
            // still in its box) would boot into this user's account. Admins enrol hard phones first.
            return refuse(peer, tenant, mac, "the MAC is not enrolled for this user (an admin enrols hard phones first)");
        } else {
            devices.add(tenant, mac, Vendor.SOFTPHONE.id(), model, redeemed.userExtension());
            vendor = Vendor.SOFTPHONE;
        }
        DeviceCertificate issued = pki.issueDeviceFromCsr(new MacAddress(mac), csr);
        String serial = issued.certificate().getSerialNumber().toString(16);
        audit.record(tenant, new AuditEvent("device:" + mac, ACTION, mac, peer.getHostString(), AuditEvent.Outcome.SUCCESS,
                Map.of("user", redeemed.userExtension(), "vendor", vendor.id(), "certificate_serial", serial)));
        metrics.counter("voxgate.provisioning.enrolments").increment();
        log.info("enrolment: {} enrolled for {} in {} (certificate serial {})", mac, redeemed.userExtension(), tenant.slug(), serial);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("mac", mac);
        answer.put("certificate", Pem.certificate(issued.certificate()));
        answer.put("chain", issued.chainPem());
        answer.put("provisioningUrl", provisioningUrl + ProvisioningFile.nameFor(vendor, mac));
        return json(201, answer);
    }

    private String unusedPseudoMac() {
        String mac;
        do {
            mac = pseudoMacs.next();
        } while (tenants.findByDeviceMac(mac).isPresent());
        return mac;
    }

    private Response refuse(InetSocketAddress peer, Tenant tenant, String mac, String reason) {
        Map<String, String> detail = new HashMap<>();
        detail.put("reason", reason);
        audit.record(tenant, new AuditEvent("device:" + mac, ACTION, mac, peer.getHostString(), AuditEvent.Outcome.REFUSED, detail));
        metrics.counter("voxgate.provisioning.enrolment.refusals").increment();
        log.info("enrolment from {} refused: {}", peer.getHostString(), reason);
        // one answer for every refusal: which codes exist, or were used, is not the client's to learn
        return problem(403, "Enrolment refused", "the activation code is not valid (unknown, used or expired) or not for this phone",
                "code");
    }

    private static Optional<String> text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return Optional.empty();
        }
        String text = value.asText().strip();
        return "csr".equals(field) || text.length() <= MAX_FIELD ? Optional.of(text) : Optional.empty();
    }

    private Response problem(int status, String title, String detail, String field) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        if (field != null) {
            problem.put("field", field);
        }
        Response response = json(status, problem);
        return new Response(status, "application/problem+json", response.body());
    }

    private Response json(int status, Map<String, Object> body) {
        try {
            return new Response(status, "application/json", json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
