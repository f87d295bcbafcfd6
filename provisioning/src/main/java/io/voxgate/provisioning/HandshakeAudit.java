package io.voxgate.provisioning;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.certs.CertificateRefusal;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditText;
import io.voxgate.provisioning.tls.PhoneTrustManager;

/**
 * Audits the certificates the handshake refused, off the handshake's thread. The trust decision
 * comes before the client proves it holds the key (CertificateVerify), and certificates are
 * public, so a refusal says nothing trustworthy about who sent it: every one goes to the control
 * log, never to a tenant's, and at most {@link #EVENTS_PER_SOURCE} a minute per source are written
 * (the rest are counted), on a writer of its own whose queue drops when full. A flood of forged
 * certificates can neither fill a log nor take the threads phones are served on.
 */
final class HandshakeAudit implements PhoneTrustManager.RefusalListener, AutoCloseable {

    static final int EVENTS_PER_SOURCE = 5;
    private static final Logger log = LoggerFactory.getLogger(HandshakeAudit.class);

    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final RequestRateLimit perSource = new RequestRateLimit(EVENTS_PER_SOURCE, Duration.ofMinutes(1));
    private final ExecutorService writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
            Thread.ofPlatform().name("voxgate-handshake-audit").daemon().factory(), new ThreadPoolExecutor.AbortPolicy());

    HandshakeAudit(AuditLog audit, MeterRegistry metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    @Override
    public void refused(InetSocketAddress peer, CertificateRefusal refusal) {
        String reason = refusal.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        metrics.counter("voxgate.provisioning.handshake.refusals", "reason", reason).increment();
        String address = peer == null ? null : peer.getHostString();
        if (!perSource.allow(peer == null ? "unknown" : RequestRateLimit.sourceKey(peer))) {
            metrics.counter("voxgate.provisioning.handshake.refusals.unaudited").increment();
            return;
        }
        log.info("provisioning: certificate from {} refused: {}", address, AuditText.printable(refusal.getMessage(), 300));
        try {
            writer.execute(() -> record(address, refusal, reason));
        } catch (RejectedExecutionException busy) {
            metrics.counter("voxgate.provisioning.handshake.refusals.unaudited").increment();
        }
    }

    private void record(String address, CertificateRefusal refusal, String reason) {
        Map<String, String> detail = new HashMap<>();
        detail.put("reason", reason);
        detail.put("detail", AuditText.printable(refusal.getMessage(), 300));
        if (refusal.serial() != null) {
            detail.put("certificate_serial", refusal.serial());
        }
        String mac = refusal.claimedMac();
        try {
            audit.record(null, new AuditEvent("device:" + (mac == null ? "unknown" : mac), "provisioning.handshake", mac, address,
                    AuditEvent.Outcome.REFUSED, detail));
        } catch (RuntimeException e) {
            log.warn("provisioning: refusal from {} not audited: {}", address, e.toString());
        }
    }

    @Override
    public void close() {
        writer.shutdown();
    }
}
