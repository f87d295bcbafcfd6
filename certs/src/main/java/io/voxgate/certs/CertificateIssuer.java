package io.voxgate.certs;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues the four kinds of certificate in the switch's PKI. Each public method is one certificate
 * profile; they differ only in subject, lifetime and extensions, so they share one signing path.
 */
final class CertificateIssuer {
    static final String ROOT_CA_COMMON_NAME = "Voxgate Root CA";
    static final String DEVICE_CA_COMMON_NAME = "Voxgate Device CA";
    static final String DEVICE_ORGANISATIONAL_UNIT = "Voxgate device";
    /** Used as the server's CN when its first name does not fit a CN; the SANs still carry every name. */
    static final String SERVER_FALLBACK_COMMON_NAME = "Voxgate SIP server";

    static final Period ROOT_CA_VALIDITY = Period.ofYears(20);
    static final Period DEVICE_CA_VALIDITY = Period.ofYears(15);
    // 825 days: Apple platforms (iOS 13, macOS 10.15 on) reject TLS server certificates valid longer.
    static final Period SERVER_VALIDITY = Period.ofDays(825);
    static final Period DEVICE_VALIDITY = Period.ofYears(10);
    /** Certificates start this far in the past so a phone whose clock runs slightly behind accepts them. */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(1);

    // RFC 5280 §4.1.2.2: at most 20 octets, positive. 159 random bits never need a sign-padding octet.
    private static final int SERIAL_BITS = 159;
    // ub-common-name and ub-organization-name, RFC 5280 Appendix A.
    private static final int MAX_NAME_LENGTH = 64;
    private static final Pattern DNS_NAME = Pattern.compile(
            "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final JcaX509ExtensionUtils extensionUtils;

    CertificateIssuer(Clock clock) {
        this.clock = clock;
        try {
            this.extensionUtils = new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new PkiException("the JDK lacks SHA-1, needed for key identifiers", e);
        }
    }

    /** Self-signed trust anchor. Path length 1 leaves room for exactly the device CA below it. */
    Credential rootCa(KeyAlgorithm algorithm, String organisation) {
        requireNameFits("organisation", organisation);
        KeyPair keys = algorithm.generateKeyPair();
        X500Name subject = name(organisation, null, ROOT_CA_COMMON_NAME);
        Signer self = new Signer(subject, keys.getPrivate(), keys.getPublic(), Instant.MAX);
        X509Certificate certificate = sign(self, subject, keys.getPublic(), ROOT_CA_VALIDITY, caExtensions(1));
        return new Credential(keys.getPrivate(), List.of(certificate));
    }

    /** Intermediate that signs phones' certificates and the CRL; path length 0: it issues no CAs. */
    Credential deviceCa(Credential rootCa, KeyAlgorithm algorithm) {
        KeyPair keys = algorithm.generateKeyPair();
        X500Name subject = name(organisationOf(rootCa), null, DEVICE_CA_COMMON_NAME);
        X509Certificate certificate = sign(Signer.of(rootCa), subject, keys.getPublic(), DEVICE_CA_VALIDITY, caExtensions(0));
        return new Credential(keys.getPrivate(), List.of(certificate, rootCa.certificate()));
    }

    /**
     * The device CA's certificate again, for its same key and name with a fresh validity: every
     * phone certificate it signed still chains to it (same issuer name, same key identifier).
     */
    Credential renewedDeviceCa(Credential rootCa, Credential deviceCa) {
        X500Name subject = X500Name.getInstance(deviceCa.certificate().getSubjectX500Principal().getEncoded());
        X509Certificate certificate = sign(Signer.of(rootCa), subject, deviceCa.certificate().getPublicKey(), DEVICE_CA_VALIDITY,
                caExtensions(0));
        return new Credential(deviceCa.privateKey(), List.of(certificate, rootCa.certificate()));
    }

    /**
     * The switch's SIP/TLS certificate. It carries clientAuth as well as serverAuth because the
     * switch also opens TLS connections to other switches and trunks with it.
     */
    Credential server(Credential rootCa, KeyAlgorithm algorithm, List<String> dnsNames, List<InetAddress> ipAddresses) {
        List<String> names = dnsNames.stream().map(CertificateIssuer::requireDnsName).toList();
        if (names.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("the server certificate needs at least one DNS name or IP address");
        }
        List<GeneralName> alternativeNames = new ArrayList<>();
        names.forEach(dns -> alternativeNames.add(new GeneralName(GeneralName.dNSName, new DERIA5String(dns))));
        // Raw address octets (RFC 5280 §4.2.1.6); the text form would drag along IPv6 scope ids.
        ipAddresses.forEach(ip -> alternativeNames.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress()))));

        // Some phone firmware matches the host against the CN even when SANs are present, which RFC
        // 5922 §7.1 does not allow; the CN repeats the first name so those phones connect too.
        String primaryName = names.isEmpty() ? ipAddresses.getFirst().getHostAddress() : names.getFirst();
        String commonName = primaryName.length() <= MAX_NAME_LENGTH ? primaryName : SERVER_FALLBACK_COMMON_NAME;

        KeyPair keys = algorithm.generateKeyPair();
        int keyUsage = KeyUsage.digitalSignature | (algorithm.canEncipherKeys() ? KeyUsage.keyEncipherment : 0);
        List<Extension> extensions = endEntityExtensions(keyUsage,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}),
                new GeneralNames(alternativeNames.toArray(GeneralName[]::new)));
        X500Name subject = name(organisationOf(rootCa), null, commonName);
        X509Certificate certificate = sign(Signer.of(rootCa), subject, keys.getPublic(), SERVER_VALIDITY, extensions);
        return new Credential(keys.getPrivate(), List.of(certificate, rootCa.certificate()));
    }

    /** A phone's client certificate with a new key pair, for phones that import their key (PKCS#12). */
    IssuedDevice device(Credential deviceCa, MacAddress mac, KeyAlgorithm algorithm) {
        KeyPair keys = algorithm.generateKeyPair();
        return new IssuedDevice(mac, new Credential(keys.getPrivate(), deviceChain(deviceCa, mac, keys.getPublic())));
    }

    /**
     * A phone's client certificate for {@code deviceKey}, named by its MAC in the CN and by its RFC
     * 9039 URN in a SAN URI; returned with its chain: device, device CA, root.
     */
    List<X509Certificate> deviceChain(Credential deviceCa, MacAddress mac, PublicKey deviceKey) {
        List<Extension> extensions = endEntityExtensions(KeyUsage.digitalSignature,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth),
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, mac.asUrn())));
        X500Name subject = name(organisationOf(deviceCa), DEVICE_ORGANISATIONAL_UNIT, mac.canonical());
        X509Certificate certificate = sign(Signer.of(deviceCa), subject, deviceKey, DEVICE_VALIDITY, extensions);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.addAll(deviceCa.chain());
        return chain;
    }

    private X509Certificate sign(Signer issuer, X500Name subject, PublicKey subjectKey, Period validity, List<Extension> extensions) {
        // X.509 times have whole seconds; truncating keeps what we compute equal to what is encoded.
        Instant notBefore = clock.instant().minus(CLOCK_SKEW_ALLOWANCE).truncatedTo(ChronoUnit.SECONDS);
        Instant wanted = notBefore.atOffset(ZoneOffset.UTC).plus(validity).toInstant();
        // A certificate cannot be valid longer than its issuer; saying so keeps its dates honest.
        Instant notAfter = wanted.isBefore(issuer.notAfter()) ? wanted : issuer.notAfter();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.name(), newSerialNumber(),
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            builder.addExtension(Extension.create(Extension.subjectKeyIdentifier, false,
                    extensionUtils.createSubjectKeyIdentifier(subjectKey)));
            builder.addExtension(Extension.create(Extension.authorityKeyIdentifier, false,
                    extensionUtils.createAuthorityKeyIdentifier(issuer.publicKey())));
            for (Extension extension : extensions) {
                builder.addExtension(extension);
            }
            String signatureAlgorithm = KeyAlgorithm.of(issuer.publicKey()).signatureAlgorithm();
            var signer = new JcaContentSignerBuilder(signatureAlgorithm).build(issuer.privateKey());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new PkiException("could not sign a certificate for " + subject, e);
        }
    }

    private BigInteger newSerialNumber() {
        BigInteger serial;
        do {
            serial = new BigInteger(SERIAL_BITS, random);
        } while (serial.signum() == 0);
        return serial;
    }

    private static List<Extension> caExtensions(int pathLength) {
        return List.of(
                extension(Extension.basicConstraints, true, new BasicConstraints(pathLength)),
                extension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)));
    }

    private static List<Extension> endEntityExtensions(int keyUsage, ExtendedKeyUsage purposes, GeneralNames alternativeNames) {
        return List.of(
                extension(Extension.basicConstraints, true, new BasicConstraints(false)),
                extension(Extension.keyUsage, true, new KeyUsage(keyUsage)),
                extension(Extension.extendedKeyUsage, false, purposes),
                // Not critical: the subject DN is never empty here (RFC 5280 §4.2.1.6).
                extension(Extension.subjectAlternativeName, false, alternativeNames));
    }

    private static Extension extension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
        try {
            return Extension.create(oid, critical, value);
        } catch (IOException e) {
            throw new PkiException("could not encode extension " + oid, e);
        }
    }

    private static X500Name name(String organisation, String organisationalUnit, String commonName) {
        // Values go in as UTF8String objects: the String overloads would parse them as RFC 4514
        // text, turning an organisation such as "#1 Telecom" into hex.
        X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, new DERUTF8String(organisation));
        if (organisationalUnit != null) {
            name.addRDN(BCStyle.OU, new DERUTF8String(organisationalUnit));
        }
        return name.addRDN(BCStyle.CN, new DERUTF8String(commonName)).build();
    }

    /** Certificates below the root inherit its organisation, so it is configured exactly once. */
    private static String organisationOf(Credential issuer) {
        X500Name subject = X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
        RDN[] organisations = subject.getRDNs(BCStyle.O);
        if (organisations.length == 0) {
            throw new PkiException("issuer " + subject + " has no organisation (O) to pass on");
        }
        return ((ASN1String) organisations[0].getFirst().getValue()).getString();
    }

    private static void requireNameFits(String what, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1 to " + MAX_NAME_LENGTH + " characters, got '" + value + "'");
        }
    }

    private static String requireDnsName(String name) {
        String lowerCase = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (lowerCase.length() > 253 || !DNS_NAME.matcher(lowerCase).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a DNS name: expected letters, digits and hyphens "
                    + "in dot-separated labels (internationalised names in their xn-- form), optionally starting with *.");
        }
        return lowerCase;
    }

    /** What signing needs from an issuer; for the self-signed root the issuer is the subject. */
    private record Signer(X500Name name, PrivateKey privateKey, PublicKey publicKey, Instant notAfter) {
        static Signer of(Credential ca) {
            X509Certificate certificate = ca.certificate();
            return new Signer(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
                    ca.privateKey(), certificate.getPublicKey(), certificate.getNotAfter().toInstant());
        }
    }
}
