package io.voxgate.provisioning;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.certs.CertificateRefusal;
import io.voxgate.provisioning.tls.PhoneTrustManager;

/**
 * Audits the certificates the handshake refused, off the handshake's thread. A revoked
 * certificate passed every other check, so its MAC is real: the event goes to that phone's
 * tenant. Any other refusal names a MAC nobody vouched for, so it goes to the control log,
 * where a forged certificate cannot fill a tenant's log.
 */
final class HandshakeAudit implements PhoneTrustManager.RefusalListener {

    private static final Logger log = LoggerFactory.getLogger(HandshakeAudit.class);

    private final AuditLog audit;
    private final TenantDirectory tenants;
    private final Executor blocking;
    private final MeterRegistry metrics;

    HandshakeAudit(AuditLog audit, TenantDirectory tenants, Executor blocking, MeterRegistry metrics) {
        this.audit = audit;
        this.tenants = tenants;
        this.blocking = blocking;
        this.metrics = metrics;
    }

    @Override
    public void refused(InetSocketAddress peer, CertificateRefusal refusal) {
        String reason = refusal.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        metrics.counter("voxgate.provisioning.handshake.refusals", "reason", reason).increment();
        String address = peer == null ? null : peer.getHostString();
        log.info("provisioning: certificate from {} refused: {}", address, refusal.getMessage());
        try {
            blocking.execute(() -> record(address, refusal, reason));
        } catch (RejectedExecutionException busy) {
            log.warn("provisioning: refusal from {} not audited: the executor is full", address);
        }
    }

    private void record(String address, CertificateRefusal refusal, String reason) {
        Map<String, String> detail = new HashMap<>();
        detail.put("reason", reason);
        detail.put("detail", refusal.getMessage().length() > 300 ? refusal.getMessage().substring(0, 300) : refusal.getMessage());
        if (refusal.serial() != null) {
            detail.put("certificate_serial", refusal.serial());
        }
        String mac = refusal.claimedMac();
        var tenant = mac != null && refusal.reason() == CertificateRefusal.Reason.REVOKED ? tenants.findByDeviceMac(mac).orElse(null) : null;
        try {
            audit.record(tenant, new AuditEvent(mac == null ? "device:unknown" : "device:" + mac, "provisioning.handshake", mac,
                    address, AuditEvent.Outcome.REFUSED, detail));
        } catch (RuntimeException e) {
            log.warn("provisioning: refusal from {} not audited: {}", address, e.toString());
        }
    }
}
