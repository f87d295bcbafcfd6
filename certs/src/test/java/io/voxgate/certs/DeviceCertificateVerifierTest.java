package io.voxgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/** What a factory or switch certificate must look like to be a phone's identity. */
class DeviceCertificateVerifierTest {

    @TempDir
    static Path dir;

    private static SwitchPki pki;
    private static KeyPair vendorKeys;
    private static X509Certificate vendorRoot;
    private static DeviceCertificateVerifier verifier;

    @BeforeAll
    static void pkis() throws Exception {
        pki = SwitchPki.open(dir, "keystore-password-1".toCharArray());
        pki.init(KeyAlgorithm.EC_P256, "Voxgate test", List.of("localhost"), List.of(InetAddress.ofLiteral("127.0.0.1")));
        vendorKeys = keys();
        vendorRoot = certificate("CN=Stand-in Cisco Root", "CN=Stand-in Cisco Root", vendorKeys, null, true);
        verifier = new DeviceCertificateVerifier(pki, List.of(vendorRoot));
    }

    @Test
    void theSwitchsOwnDeviceCertificateNamesItsMac() throws Exception {
        var issued = pki.issueDevice(MacAddress.parse("00:15:65:ab:cd:ef"), KeyAlgorithm.EC_P256);

        DeviceIdentity identity = verifier.verify(new X509Certificate[] {issued.certificate()});

        assertThat(identity.mac()).isEqualTo("001565abcdef");
        assertThat(identity.issuedBySwitch()).isTrue();
    }

    @Test
    void factoryCertificatesNameTheMacTheirVendorsWay() throws Exception {
        assertThat(verifier.verify(leaf("CN=CP-8845-SEP00AABBCCDDEE", null)).mac()).isEqualTo("00aabbccddee");
        assertThat(verifier.verify(leaf("CN=00:aa:bb:cc:dd:01", null)).mac()).isEqualTo("00aabbccdd01");
        assertThat(verifier.verify(leaf("CN=805EC0123456,O=Yealink", null)).issuer()).contains("Stand-in Cisco Root");
    }

    @Test
    void aCertificateNamingNoOrTwoMacsIsRefused() throws Exception {
        assertThatThrownBy(() -> verifier.verify(leaf("CN=phone", null)))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NO_MAC));
        assertThatThrownBy(() -> verifier.verify(leaf("CN=00aabbccddee-00aabbccddff", null)))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NO_MAC));
    }

    @Test
    void aServerOnlyCertificateIsNoPhonesIdentity() throws Exception {
        assertThatThrownBy(() -> verifier.verify(leaf("CN=00aabbccddee", KeyPurposeId.id_kp_serverAuth)))
                .isInstanceOfSatisfying(CertificateRefusal.class,
                        r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NOT_FOR_CLIENTS));
    }

    @Test
    void theSwitchsServerCertificateIsNotAcceptedAsAPhone() {
        assertThatThrownBy(() -> verifier.verify(new X509Certificate[] {pki.serverCredential().certificate()}))
                .isInstanceOf(CertificateRefusal.class);
    }

    @Test
    void aCaCertificateOrAnEui64OrACertificateReplacedSinceIsNoPhonesIdentity() throws Exception {
        assertThatThrownBy(() -> verifier.verify(new X509Certificate[] {pki.deviceCaCertificate()}))
                .isInstanceOfSatisfying(CertificateRefusal.class,
                        r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NOT_FOR_CLIENTS));
        assertThatThrownBy(() -> verifier.verify(new X509Certificate[] {vendorRoot})).isInstanceOf(CertificateRefusal.class);
        assertThatThrownBy(() -> verifier.verify(leaf("CN=00:11:22:ff:fe:33:44:55", null)))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NO_MAC));
        assertThatThrownBy(() -> verifier.verify(leaf("CN=00aabbccddee,CN=00aabbccddff", null)))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.NO_MAC));

        var first = pki.issueDevice(MacAddress.parse("00:15:65:00:00:5e"), KeyAlgorithm.EC_P256);
        pki.issueDevice(MacAddress.parse("00:15:65:00:00:5e"), KeyAlgorithm.EC_P256); // re-enrolled: a new key
        assertThatThrownBy(() -> verifier.verify(new X509Certificate[] {first.certificate()}))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.SUPERSEDED));
    }

    @Test
    void aStrangersSelfSignedCaCertificateIsUntrustedNotMisused() throws Exception {
        // what `openssl req -x509` makes by default (CA:TRUE): SIP's optional policy ignores such a certificate
        X509Certificate stranger = certificate("CN=sipp", "CN=sipp", keys(), null, true);

        assertThatThrownBy(() -> verifier.verify(new X509Certificate[] {stranger}))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.UNTRUSTED));
    }

    @Test
    void aFullChainWithTheRootAlongValidates() throws Exception {
        var issued = pki.issueDevice(MacAddress.parse("00:15:65:00:00:6f"), KeyAlgorithm.EC_P256);

        assertThat(verifier.verify(issued.chain().toArray(X509Certificate[]::new)).mac()).isEqualTo("00156500006f");
    }

    private static X509Certificate[] leaf(String subject, KeyPurposeId purpose) throws Exception {
        return new X509Certificate[] {certificate(subject, "CN=Stand-in Cisco Root", keys(), purpose, false)};
    }

    private static X509Certificate certificate(String subject, String issuer, KeyPair subjectKeys, KeyPurposeId purpose, boolean ca)
            throws Exception {
        var builder = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(System.nanoTime()),
                Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(86_400)), new X500Name(subject),
                subjectKeys.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new org.bouncycastle.asn1.x509.BasicConstraints(true));
        }
        if (purpose != null) {
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(vendorKeys.getPrivate())));
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
