package io.voxgate.sip.registrar;

import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.voxgate.config.tenant.Tenant;
import io.voxgate.sip.security.DeviceCertificateCheck;
import io.voxgate.sip.transport.SipFlow;

/**
 * Whether the certificate a phone presented on its connection lets it register as a user of a
 * tenant: asked by the registrar for each REGISTER, and again for every registered connection
 * when a device changes, so a revoked phone is cut off at once and not when its binding expires.
 */
public final class DeviceOwnership {

    private final SipAccounts accounts;
    private final DeviceCertificateCheck certificates;

    public DeviceOwnership(SipAccounts accounts, DeviceCertificateCheck certificates) {
        this.accounts = accounts;
        this.certificates = certificates;
    }

    /**
     * The tenant's client certificate policy (none / optional / required) applied to the certificate
     * the phone presented on this connection: when it is one of this switch's device certificates,
     * it must be valid and its MAC an active device assigned to the registering user; another CA's
     * certificate counts as none. Empty when the phone may register; else why not.
     */
    public CompletableFuture<Optional<String>> problem(SipFlow flow, Tenant tenant, String user) {
        String policy = tenant.sipClientCertificates();
        Optional<X509Certificate> certificate = flow.peerCertificate();
        if ("none".equals(policy)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (certificate.isEmpty()) {
            return CompletableFuture.completedFuture("required".equals(policy)
                    ? Optional.of("tenant " + tenant.slug() + " requires a device certificate") : Optional.empty());
        }
        DeviceCertificateCheck.Result identity = flow.certificateIdentity(certificates::identify);
        if (identity instanceof DeviceCertificateCheck.Result.Valid && certificates.isRevoked(certificate.get())) {
            identity = new DeviceCertificateCheck.Result.Invalid("revoked (serial " + certificate.get().getSerialNumber().toString(16) + ")");
        }
        return switch (identity) {
            case DeviceCertificateCheck.Result.Invalid invalid ->
                    CompletableFuture.completedFuture(Optional.of("device certificate " + invalid.reason()));
            // another CA's certificate proves nothing here: no certificate, as far as the policy goes
            case DeviceCertificateCheck.Result.NotOurs notOurs -> CompletableFuture.completedFuture("required".equals(policy)
                    ? Optional.of("tenant " + tenant.slug() + " requires a device certificate; the one presented is " + notOurs.reason())
                    : Optional.empty());
            case DeviceCertificateCheck.Result.Valid valid -> accounts.device(tenant, valid.mac()).thenApply(device -> device
                    .filter(d -> "active".equals(d.status()) && user.equals(d.ownerExtension()))
                    .map(d -> Optional.<String>empty())
                    .orElseGet(() -> Optional.of("device " + valid.mac() + " is not an active device of " + user
                            + " in tenant " + tenant.slug())));
        };
    }
}
