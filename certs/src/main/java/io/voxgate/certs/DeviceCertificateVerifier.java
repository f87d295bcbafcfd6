package io.voxgate.certs;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;


/**
 * Judges the certificate a phone presents, to the provisioning server or on SIP-over-TLS: a PKIX path to the switch's
 * root (through its device CA) or to a manufacturer root the operator trusts, valid now, meant for
 * TLS clients, not on the device CA's CRL, and naming a MAC. Factory certificates name the MAC in
 * their own ways (Yealink, Poly and Grandstream put it in the CN, Cisco's MIC as
 * {@code CP-8845-SEP<MAC>}), so the MAC is the one 12-hex-digit run in the CN or, failing that,
 * in a subjectAltName.
 */
public final class DeviceCertificateVerifier {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    // 12 hex digits, bare or in pairs joined by ':' or '-', not part of a longer run such as an EUI-64
    private static final Pattern MAC_IN_TEXT = Pattern.compile(
            "(?<![0-9A-Fa-f])(?<!\\p{XDigit}[:-])(\\p{XDigit}{2}(?:[:-]?\\p{XDigit}{2}){5})(?![0-9A-Fa-f])(?![:-]\\p{XDigit})");
    private static final String MAC_URN = "urn:dev:mac:";
    private static final int DNS_NAME = 2;
    private static final int URI_NAME = 6;

    private final SwitchPki pki;
    private final List<X509Certificate> manufacturerRoots;
    private final Supplier<Date> clock;

    public DeviceCertificateVerifier(SwitchPki pki, List<X509Certificate> manufacturerRoots) {
        this(pki, manufacturerRoots, Date::new);
    }

    DeviceCertificateVerifier(SwitchPki pki, List<X509Certificate> manufacturerRoots, Supplier<Date> clock) {
        this.pki = pki;
        this.manufacturerRoots = List.copyOf(manufacturerRoots);
        this.clock = clock;
    }

    /** The issuers a phone may pick its certificate by (the TLS CertificateRequest names them). */
    public X509Certificate[] acceptedIssuers() {
        List<X509Certificate> issuers = new ArrayList<>();
        issuers.add(pki.deviceCaCertificate());
        issuers.addAll(manufacturerRoots);
        return issuers.toArray(X509Certificate[]::new);
    }

    /** The full verdict: {@link #identify}, then the device CA's current CRL. */
    public DeviceIdentity verify(X509Certificate[] presented) throws CertificateRefusal {
        DeviceIdentity identity = identify(presented);
        if (identity.issuedBySwitch() && isRevoked(presented[0])) {
            String serial = presented[0].getSerialNumber().toString(16);
            throw new CertificateRefusal(CertificateRefusal.Reason.REVOKED, "serial " + serial + " is on the device CA's CRL",
                    identity.mac(), serial);
        }
        return identity;
    }

    /**
     * Everything but revocation: path, validity, usage and MAC. A connection can keep the answer
     * (PKIX path validation was 13 % of the CPU of a REGISTER flood from a client presenting a
     * certificate) and ask {@link #isRevoked} per request.
     */
    public DeviceIdentity identify(X509Certificate[] presented) throws CertificateRefusal {
        if (presented == null || presented.length == 0) {
            throw new CertificateRefusal(CertificateRefusal.Reason.UNTRUSTED, "no certificate", null, null);
        }
        X509Certificate leaf = presented[0];
        String claimedMac = macOf(leaf).orElse(null);
        String serial = leaf.getSerialNumber().toString(16);
        X509Certificate anchor = validatePath(presented, claimedMac, serial);
        if (leaf.getBasicConstraints() != -1) {
            // checked once the path is valid: a stranger's self-signed certificate (a CA by OpenSSL's
            // default) is "untrusted", not "misused"
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_FOR_CLIENTS, "a CA certificate is no phone's", claimedMac, serial);
        }
        boolean ours = anchor.equals(pki.rootCaCertificate());
        if (ours && !leaf.getIssuerX500Principal().equals(pki.deviceCaCertificate().getSubjectX500Principal())) {
            // the switch's server certificate is root-signed and may be used by clients: it is still no phone
            throw new CertificateRefusal(CertificateRefusal.Reason.UNTRUSTED, "not issued by the switch's device CA", claimedMac, serial);
        }
        requireClientUsage(leaf, ours, claimedMac, serial);
        if (claimedMac == null) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NO_MAC, "the certificate names no MAC address, or more than one",
                    null, serial);
        }
        if (ours && !isLatestIssued(claimedMac, leaf)) {
            throw new CertificateRefusal(CertificateRefusal.Reason.SUPERSEDED, "serial " + serial + " was replaced by a newer "
                    + "certificate for this MAC", claimedMac, serial);
        }
        return new DeviceIdentity(claimedMac, ours ? DeviceIdentity.SWITCH_ISSUER : anchor.getSubjectX500Principal().getName(),
                leaf.getSerialNumber());
    }

    /** Re-issuing a phone's certificate (a new enrolment, a lost device) retires the ones before it. */
    private boolean isLatestIssued(String mac, X509Certificate leaf) {
        return pki.deviceCertificate(new MacAddress(mac)).map(leaf::equals).orElse(false);
    }

    /** Whether the device CA's current CRL lists the certificate; cheap, so asked on every request. */
    public boolean isRevoked(X509Certificate device) {
        return pki.currentCrl().isRevoked(device);
    }

    /** Validates up to one of the trust anchors and returns it. */
    private X509Certificate validatePath(X509Certificate[] presented, String mac, String serial) throws CertificateRefusal {
        Set<TrustAnchor> anchors = new HashSet<>();
        anchors.add(new TrustAnchor(pki.rootCaCertificate(), null));
        manufacturerRoots.forEach(root -> anchors.add(new TrustAnchor(root, null)));
        // The path runs from the leaf up to the first certificate an anchor issued, or that is an
        // anchor (a configured intermediate, or a root the phone sends along): the rest is not needed.
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate certificate : presented) {
            if (anchors.stream().anyMatch(a -> a.getTrustedCert().equals(certificate))) {
                break;
            }
            path.add(certificate);
            if (anchors.stream().anyMatch(a -> a.getTrustedCert().getSubjectX500Principal().equals(certificate.getIssuerX500Principal()))) {
                break;
            }
        }
        X509Certificate deviceCa = pki.deviceCaCertificate();
        X509Certificate last = path.isEmpty() ? presented[0] : path.getLast();
        if (!path.isEmpty() && !last.equals(deviceCa) && last.getIssuerX500Principal().equals(deviceCa.getSubjectX500Principal())) {
            path.add(deviceCa); // phones we issued usually send their certificate alone
        }
        if (path.isEmpty()) {
            // the client sent a trust anchor itself: an empty path would "validate" against any anchor
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_FOR_CLIENTS, "a CA certificate is no phone's", mac, serial);
        }
        try {
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false); // the device CA's CRL is checked after; manufacturers publish none we can reach
            parameters.setDate(clock.get());
            var result = (java.security.cert.PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return result.getTrustAnchor().getTrustedCert();
        } catch (CertPathValidatorException e) {
            throw new CertificateRefusal(reasonOf(e), describe(e), mac, serial);
        } catch (GeneralSecurityException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.UNTRUSTED, e.getMessage(), mac, serial);
        }
    }

    private static CertificateRefusal.Reason reasonOf(CertPathValidatorException e) {
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return CertificateRefusal.Reason.EXPIRED;
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return CertificateRefusal.Reason.NOT_YET_VALID;
        }
        return CertificateRefusal.Reason.UNTRUSTED;
    }

    private static String describe(CertPathValidatorException e) {
        if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
            return "not issued by the switch's device CA nor by a trusted manufacturer CA";
        }
        return e.getMessage();
    }

    /** Ours must say clientAuth; a factory certificate may carry no EKU at all (many do), but not one that excludes it. */
    private static void requireClientUsage(X509Certificate leaf, boolean ours, String mac, String serial) throws CertificateRefusal {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            if ((usages == null && ours) || (usages != null && !usages.contains(CLIENT_AUTH)
                    && !usages.contains("2.5.29.37.0"))) {
                throw new CertificateRefusal(CertificateRefusal.Reason.NOT_FOR_CLIENTS, "not a TLS client certificate", mac, serial);
            }
        } catch (CertificateParsingException e) {
            throw new CertificateRefusal(CertificateRefusal.Reason.NOT_FOR_CLIENTS, "unreadable extended key usage", mac, serial);
        }
    }

    /**
     * The MAC a certificate names: the one distinct MAC among its CNs and DNS or URI
     * subjectAltNames. None, or two different ones, is no identity: guessing would bind the wrong
     * phone.
     */
    static Optional<String> macOf(X509Certificate certificate) {
        Set<String> found = new HashSet<>();
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType()) && !macsIn(rdn.getValue().toString(), found)) {
                    return Optional.empty();
                }
            }
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            for (List<?> name : names == null ? List.<List<?>>of() : names) {
                int type = (Integer) name.get(0);
                if ((type == DNS_NAME || type == URI_NAME) && name.get(1) instanceof String text
                        && !macsIn(text.regionMatches(true, 0, MAC_URN, 0, MAC_URN.length()) ? text.substring(MAC_URN.length()) : text, found)) {
                    return Optional.empty();
                }
            }
        } catch (InvalidNameException | CertificateParsingException e) {
            return Optional.empty();
        }
        return found.size() == 1 ? Optional.of(found.iterator().next()) : Optional.empty();
    }

    /** Adds the MACs in {@code text} to {@code found}; false when the text holds more than one (two MACs in one CN). */
    private static boolean macsIn(String text, Set<String> found) {
        Matcher m = MAC_IN_TEXT.matcher(text);
        int here = 0;
        while (m.find()) {
            try {
                found.add(MacAddress.parse(m.group(1).toLowerCase(Locale.ROOT)).canonical());
            } catch (IllegalArgumentException mixedSeparators) {
                return false;
            }
            here++;
        }
        return here <= 1;
    }
}
