package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.PHONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrolment: a device sends a PKCS#10 CSR for a key it keeps, and the device CA signs what the switch decides. */
class DeviceCsrIssuanceTest {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int URI = 6;
    private static final X500Name PLAIN_SUBJECT = new X500Name("CN=softphone");

    @TempDir
    Path directory;

    private SwitchPki pki;

    @BeforeEach
    void initialisedPki() {
        pki = TestPkis.initialised(directory.resolve("pki"), KeyAlgorithm.EC_P256);
    }

    @Test
    void ecP256CsrGetsACertificateForItsOwnKeyThatChainsToTheRoot() throws Exception {
        // given
        KeyPair deviceKeys = keyPair("EC", new ECGenParameterSpec("secp256r1"));

        // when
        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(deviceKeys, PLAIN_SUBJECT));

        // then
        assertThat(issued.certificate().getPublicKey()).isEqualTo(deviceKeys.getPublic());
        assertThat(issued.chain()).containsExactly(issued.certificate(), pki.deviceCaCertificate(), pki.rootCaCertificate());
        assertThatCode(() -> issued.certificate().verify(pki.deviceCaCertificate().getPublicKey())).doesNotThrowAnyException();
        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), issued.chain())).doesNotThrowAnyException();
    }

    @Test
    void ecP384CsrIsAccepted() {
        KeyPair deviceKeys = keyPair("EC", new ECGenParameterSpec("secp384r1"));

        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(deviceKeys, PLAIN_SUBJECT));

        assertThat(issued.certificate().getPublicKey()).isEqualTo(deviceKeys.getPublic());
    }

    @Test
    void rsa2048CsrGetsACertificateForItsOwnKeyThatChainsToTheRoot() {
        KeyPair deviceKeys = keyPair("RSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));

        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(deviceKeys, PLAIN_SUBJECT));

        assertThat(issued.certificate().getPublicKey()).isEqualTo(deviceKeys.getPublic());
        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), issued.chain())).doesNotThrowAnyException();
    }

    @Test
    void csrMadeByOpensslGetsACertificateOpensslVerifiesForTlsClientUse(@TempDir Path scratch) throws Exception {
        // given a CSR as a softphone's OpenSSL-based stack makes it
        Path key = scratch.resolve("device.key");
        Path csr = scratch.resolve("device.csr");
        Openssl.Result made = Openssl.run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-subj", "/CN=softphone", "-out", csr.toString());
        assertThat(made.succeeded()).as(made.output()).isTrue();

        // when
        pki.issueDeviceFromCsr(PHONE, Files.readString(csr));

        // then
        Path device = pki.directory().resolve("devices/001565abcdef.pem");
        Openssl.Result verified = Openssl.verifyDeviceForClientUse(pki, device);
        assertThat(verified.output()).isEqualTo(device + ": OK\n");
    }

    @Test
    void certificateIsNamedByTheMacInItsCommonNameAndUrn() throws Exception {
        X509Certificate certificate = pki.issueDeviceFromCsr(PHONE, csrPem(ecP256(), PLAIN_SUBJECT)).certificate();

        assertThat(certificate.getSubjectX500Principal().getName())
                .isEqualTo("CN=001565abcdef,OU=Voxgate device,O=Example Telecom");
        assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(URI, "urn:dev:mac:001565abcdef"));
    }

    @Test
    void csrAskingForAnotherNameAndServerAuthGetsOnlyWhatTheSwitchDecides() throws Exception {
        // given a CSR naming someone else and requesting serverAuth, a DNS name and CA rights
        ExtensionsGenerator requested = new ExtensionsGenerator();
        requested.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        requested.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "sip.example.net")));
        requested.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        KeyPair deviceKeys = ecP256();
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
                new X500Name("CN=sip.example.net,O=Someone Else"), deviceKeys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested.generate());

        // when
        X509Certificate certificate = pki.issueDeviceFromCsr(PHONE, pem(sign(builder, deviceKeys))).certificate();

        // then
        assertThat(certificate.getSubjectX500Principal().getName())
                .isEqualTo("CN=001565abcdef,OU=Voxgate device,O=Example Telecom");
        assertThat(certificate.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(URI, "urn:dev:mac:001565abcdef"));
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void certificateIsValidForTenYearsLikeEveryDeviceCertificate() {
        X509Certificate fromCsr = pki.issueDeviceFromCsr(PHONE, csrPem(ecP256(), PLAIN_SUBJECT)).certificate();
        X509Certificate generated = pki.issueDevice(TestPkis.OTHER_PHONE, KeyAlgorithm.EC_P256).certificate();

        long validity = fromCsr.getNotAfter().getTime() - fromCsr.getNotBefore().getTime();
        assertThat(validity).isEqualTo(generated.getNotAfter().getTime() - generated.getNotBefore().getTime());
    }

    @Test
    void issuedCertificateIsKeptForLookupByMac() {
        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(ecP256(), PLAIN_SUBJECT));

        assertThat(pki.deviceCertificate(PHONE)).contains(issued.certificate());
    }

    @Test
    void revokingTheMacRevokesTheCertificateIssuedFromTheCsr() {
        // given
        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(ecP256(), PLAIN_SUBJECT));

        // when
        Revocation revocation = pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThat(revocation.serial()).isEqualTo(issued.certificate().getSerialNumber());
        assertThatThrownBy(() -> Pkix.validateAgainstCrl(pki.rootCaCertificate(), issued.chain(), pki.currentCrl()))
                .isInstanceOf(CertPathValidatorException.class)
                .extracting(e -> ((CertPathValidatorException) e).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
    }

    @Test
    void chainPemHoldsTheChainLeafFirst() throws Exception {
        DeviceCertificate issued = pki.issueDeviceFromCsr(PHONE, csrPem(ecP256(), PLAIN_SUBJECT));

        List<Certificate> parsed = List.copyOf(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(issued.chainPem().getBytes(StandardCharsets.US_ASCII))));

        assertThat(parsed).containsExactlyElementsOf(issued.chain());
    }

    @Test
    void csrWithATamperedSignatureIsRefused() throws Exception {
        // given a valid CSR whose last signature byte is flipped
        KeyPair keys = ecP256();
        byte[] der = sign(new JcaPKCS10CertificationRequestBuilder(PLAIN_SUBJECT, keys.getPublic()), keys).getEncoded();
        der[der.length - 1] ^= 0x01;
        String tampered = pem(new PKCS10CertificationRequest(der));

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, tampered))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CSR signature does not verify");
        assertThat(pki.deviceCertificate(PHONE)).isEmpty();
    }

    @Test
    void csrSignedByAnotherKeyThanTheOneItCarriesIsRefused() {
        KeyPair carried = ecP256();
        KeyPair signing = ecP256();
        PKCS10CertificationRequest request = sign(new JcaPKCS10CertificationRequestBuilder(PLAIN_SUBJECT, carried.getPublic()), signing);

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, pem(request)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CSR signature does not verify");
    }

    @Test
    void rsa1024KeyIsRefusedNamingTheMinimum() {
        KeyPair weak = keyPair("RSA", new RSAKeyGenParameterSpec(1024, RSAKeyGenParameterSpec.F4));

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, csrPem(weak, PLAIN_SUBJECT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CSR key is RSA 1024: at least 2048 bits required");
        assertThat(pki.deviceCertificate(PHONE)).isEmpty();
    }

    @Test
    void ecKeyOnAnotherCurveIsRefusedNamingTheCurve() {
        KeyPair p521 = keyPair("EC", new ECGenParameterSpec("secp521r1"));

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, csrPem(p521, PLAIN_SUBJECT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CSR key is EC on curve secp521r1: accepted are EC P-256, EC P-384 and RSA");
    }

    @Test
    void ed25519KeyIsRefused() {
        KeyPair ed25519 = keyPair("Ed25519", null);
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(PLAIN_SUBJECT, ed25519.getPublic());

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, pem(sign(builder, ed25519, "Ed25519"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("CSR key is (Ed25519|EdDSA): accepted are .*");
    }

    @Test
    void garbagePemIsRefused() {
        String garbage = "-----BEGIN CERTIFICATE REQUEST-----\nbm90IGEgQ1NSIGF0IGFsbA==\n-----END CERTIFICATE REQUEST-----\n";

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, garbage))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("CSR is not valid PEM-encoded PKCS#10");
    }

    @Test
    void textWithoutAPemBlockIsRefused() {
        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, "hello"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CSR is not valid PEM-encoded PKCS#10: expected a 'CERTIFICATE REQUEST' block, found no PEM block");
    }

    @Test
    void certificateInsteadOfACsrIsRefused() {
        String certificatePem = PemFiles.encodeCertificates(List.of(pki.rootCaCertificate()));

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, certificatePem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a 'CERTIFICATE REQUEST' block, found a 'CERTIFICATE' block");
    }

    @Test
    void oversizedInputIsRefusedBeforeParsing() {
        String huge = "-----BEGIN CERTIFICATE REQUEST-----\n"
                + Base64.getMimeEncoder().encodeToString(new byte[CertificationRequests.MAX_PEM_LENGTH]);

        assertThatThrownBy(() -> pki.issueDeviceFromCsr(PHONE, huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 16384 accepted");
    }

    private static KeyPair ecP256() {
        return keyPair("EC", new ECGenParameterSpec("secp256r1"));
    }

    private static KeyPair keyPair(String algorithm, AlgorithmParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                generator.initialize(spec);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csrPem(KeyPair keys, X500Name subject) {
        return pem(sign(new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()), keys));
    }

    private static PKCS10CertificationRequest sign(PKCS10CertificationRequestBuilder builder, KeyPair keys) {
        return sign(builder, keys, keys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA");
    }

    private static PKCS10CertificationRequest sign(PKCS10CertificationRequestBuilder builder, KeyPair keys, String algorithm) {
        try {
            return builder.build(new JcaContentSignerBuilder(algorithm).build(keys.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(PKCS10CertificationRequest request) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
