package io.voxgate.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Signs the device CA's certificate revocation list (RFC 5280 §5). */
final class CrlIssuer {
    /** A CRL is stale after this; the switch must publish a new one before then. */
    static final Duration VALIDITY = Duration.ofDays(7);

    private final Clock clock;

    CrlIssuer(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param crlNumber must grow with every CRL this CA publishes, so relying parties can tell the
     *     newer of two lists apart (RFC 5280 §5.2.3)
     */
    X509CRL issue(Credential deviceCa, Collection<Revocation> revocations, BigInteger crlNumber) {
        X509Certificate issuer = deviceCa.certificate();
        // Same skew allowance as certificates: a phone slightly behind must not see a CRL "from the future".
        Instant thisUpdate = clock.instant().minus(CertificateIssuer.CLOCK_SKEW_ALLOWANCE).truncatedTo(ChronoUnit.SECONDS);
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()), Date.from(thisUpdate));
        builder.setNextUpdate(Date.from(thisUpdate.plus(VALIDITY)));
        // UNSPECIFIED (0) gets no reasonCode extension: RFC 5280 §5.3.1 says to omit it; BC does so.
        revocations.forEach(revoked ->
                builder.addCRLEntry(revoked.serial(), Date.from(revoked.revokedAt()), revoked.reasonCode()));
        try {
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(issuer.getPublicKey()));
            var signer = new JcaContentSignerBuilder(KeyAlgorithm.of(issuer.getPublicKey()).signatureAlgorithm())
                    .build(deviceCa.privateKey());
            return new JcaX509CRLConverter().getCRL(builder.build(signer));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new PkiException("could not sign CRL number " + crlNumber + " of " + issuer.getSubjectX500Principal(), e);
        }
    }

    /** The CRL number extension of a CRL this class issued. */
    static BigInteger crlNumberOf(X509CRL crl) {
        byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (extension == null) {
            throw new PkiException("CRL of " + crl.getIssuerX500Principal() + " has no CRL number");
        }
        try {
            return CRLNumber.getInstance(JcaX509ExtensionUtils.parseExtensionValue(extension)).getCRLNumber();
        } catch (IOException e) {
            throw new PkiException("CRL of " + crl.getIssuerX500Principal() + " has a malformed CRL number", e);
        }
    }
}
