package io.voxgate.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Validates chains the way a JDK TLS peer would: PKIX with the switch's root as the only anchor. */
final class Pkix {
    private Pkix() {}

    static void validate(X509Certificate root, List<X509Certificate> chain) throws GeneralSecurityException {
        PKIXParameters parameters = parameters(root);
        parameters.setRevocationEnabled(false);
        validate(chain, root, parameters);
    }

    /** Checks the leaf against the device CA's CRL and nothing else: no OCSP, no soft failure. */
    static void validateAgainstCrl(X509Certificate root, List<X509Certificate> chain, X509CRL crl)
            throws GeneralSecurityException {
        PKIXParameters parameters = parameters(root);
        parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(List.of(crl))));
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");
        PKIXRevocationChecker crlOnly = (PKIXRevocationChecker) validator.getRevocationChecker();
        crlOnly.setOptions(EnumSet.of(PKIXRevocationChecker.Option.ONLY_END_ENTITY,
                PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
        parameters.setRevocationEnabled(true);
        parameters.addCertPathChecker(crlOnly);
        validate(chain, root, parameters);
    }

    private static void validate(List<X509Certificate> chain, X509Certificate root, PKIXParameters parameters)
            throws GeneralSecurityException {
        List<X509Certificate> withoutAnchor = chain.stream().filter(certificate -> !certificate.equals(root)).toList();
        CertPathValidator.getInstance("PKIX")
                .validate(CertificateFactory.getInstance("X.509").generateCertPath(withoutAnchor), parameters);
    }

    private static PKIXParameters parameters(X509Certificate root) throws GeneralSecurityException {
        return new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    }
}
