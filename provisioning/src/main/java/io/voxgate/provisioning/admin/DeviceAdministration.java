package io.voxgate.provisioning.admin;

import java.security.cert.CRLReason;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.voxgate.certs.DeviceCertificate;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.Revocation;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.device.Device;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.enrolment.IssuedCode;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.provisioning.template.Vendor;

/**
 * What an admin does to a tenant's phones: enrol one, hand out an activation code, revoke one.
 * The CLI calls it today and the admin API will; each action is written to the tenant's audit
 * log with the admin who did it.
 */
public final class DeviceAdministration {

    private final DeviceDirectory devices;
    private final ActivationCodes codes;
    private final SwitchPki pki;
    private final AuditLog audit;

    public DeviceAdministration(DeviceDirectory devices, ActivationCodes codes, SwitchPki pki, AuditLog audit) {
        this.devices = devices;
        this.codes = codes;
        this.pki = pki;
        this.audit = audit;
    }

    /** @param actor who asks: {@code cli:<os user>}, later an admin's id */
    public Device enrol(Tenant tenant, MacAddress mac, String vendor, String model, String ownerExtension, String actor) {
        Vendor known = Vendor.fromId(vendor); // refuses a vendor no template serves
        Device device = devices.add(tenant, mac.canonical(), known.id(), model, ownerExtension);
        audit.record(tenant, new AuditEvent(actor, "device.enrol", mac.canonical(), null, AuditEvent.Outcome.SUCCESS,
                ownerExtension == null ? Map.of("vendor", known.id()) : Map.of("vendor", known.id(), "owner", ownerExtension)));
        return device;
    }

    /**
     * Issues an enrolled phone its device certificate from the phone's own CSR (its key never
     * leaves it), as a phone without a factory certificate needs.
     *
     * @throws IllegalArgumentException for a CSR that is unreadable or whose signature fails
     */
    public DeviceCertificate issueCertificate(Tenant tenant, MacAddress mac, String csrPem, String actor) {
        DeviceCertificate issued = pki.issueDeviceFromCsr(mac, csrPem);
        audit.record(tenant, new AuditEvent(actor, "device.certificate.issue", mac.canonical(), null, AuditEvent.Outcome.SUCCESS,
                Map.of("certificate_serial", issued.certificate().getSerialNumber().toString(16))));
        return issued;
    }

    /** A one-time code for {@code userExtension}'s softphone or certificate-less phone; show {@link IssuedCode#code()} once. */
    public IssuedCode createActivationCode(Tenant tenant, String userExtension, Duration lifetime, String actor) {
        IssuedCode code = codes.create(tenant, userExtension, lifetime, actor);
        audit.record(tenant, new AuditEvent(actor, "enrolment.code.create", userExtension, null, AuditEvent.Outcome.SUCCESS,
                Map.of("code_id", code.id().toString(), "expires_at", code.expiresAt().toString())));
        return code;
    }

    /**
     * Stops a phone at once: the device is marked revoked (provisioning and SIP refuse it) and the
     * certificate the switch issued it goes on the CRL. False when the tenant has no such device.
     */
    public boolean revoke(Tenant tenant, MacAddress mac, CRLReason reason, String actor) {
        if (!devices.setStatus(tenant, mac.canonical(), "revoked")) {
            return false;
        }
        String serial = pki.deviceCertificate(mac).map(c -> {
            Revocation revocation = pki.revoke(mac, reason);
            return revocation.serial().toString(16);
        }).orElse("none issued by the switch");
        audit.record(tenant, new AuditEvent(actor, "device.revoke", mac.canonical(), null, AuditEvent.Outcome.SUCCESS,
                Map.of("reason", reason.name(), "certificate_serial", serial)));
        return true;
    }

    /**
     * Removes a phone for good: its switch-issued certificate goes on the CRL first (a removed
     * device's certificate must not be usable anywhere), then the device and its MAC entry go,
     * so the MAC may be enrolled again. False when the tenant has no such device.
     */
    public boolean remove(Tenant tenant, MacAddress mac, String actor) {
        Optional<Device> device = devices.find(tenant, mac.canonical());
        if (device.isEmpty()) {
            return false;
        }
        String serial = pki.deviceCertificate(mac)
                .map(c -> pki.revoke(mac, CRLReason.CESSATION_OF_OPERATION).serial().toString(16))
                .orElse("none issued by the switch");
        boolean removed = devices.delete(tenant, mac.canonical()); // false: another admin removed it meanwhile
        // audited either way: the certificate went on the CRL all the same
        audit.record(tenant, new AuditEvent(actor, "device.remove", mac.canonical(), null,
                removed ? AuditEvent.Outcome.SUCCESS : AuditEvent.Outcome.FAILED,
                Map.of("before", device.get().toString(), "certificate_serial", serial)));
        return removed;
    }
}
