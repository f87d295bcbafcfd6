package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.PHONE;
import static io.voxgate.certs.TestPkis.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Chains must validate in both verifiers phones and peers are built on: the JDK's PKIX and
 * OpenSSL, the latter with {@code -x509_strict} for RFC 5280 conformance. One PKI per key algorithm
 * is shared read-only, because RSA key generation is slow.
 */
class ChainValidationTest {
    @TempDir
    static Path directory;

    private static final Map<KeyAlgorithm, SwitchPki> PKIS = new EnumMap<>(KeyAlgorithm.class);
    private static final Map<KeyAlgorithm, IssuedDevice> PHONES = new EnumMap<>(KeyAlgorithm.class);

    @BeforeAll
    static void oneInitialisedPkiPerAlgorithmWithOnePhone() {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            SwitchPki pki = TestPkis.initialised(directory.resolve(algorithm.configName()), algorithm);
            PKIS.put(algorithm, pki);
            PHONES.put(algorithm, pki.issueDevice(PHONE, algorithm));
        }
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void serverChainValidatesUnderPkixWithTheRootAsTrustAnchor(KeyAlgorithm algorithm) {
        SwitchPki pki = PKIS.get(algorithm);

        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), pki.serverCredential().chain()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void thePresentedServerChainLeavesOutTheRootAndStillValidatesAgainstIt(KeyAlgorithm algorithm) {
        SwitchPki pki = PKIS.get(algorithm);
        java.util.List<java.security.cert.X509Certificate> presented = java.util.List.of(pki.serverCredential().presentedChain());

        assertThat(presented).doesNotContain(pki.rootCaCertificate()).containsExactly(pki.serverCredential().certificate());
        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), presented)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void deviceChainValidatesUnderPkixWithTheRootAsTrustAnchor(KeyAlgorithm algorithm) {
        SwitchPki pki = PKIS.get(algorithm);

        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), PHONES.get(algorithm).chain()))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslVerifiesTheServerCertificateForTlsServerUse(KeyAlgorithm algorithm, @TempDir Path scratch) {
        SwitchPki pki = PKIS.get(algorithm);
        Path server = pem(scratch.resolve("server.pem"), pki.serverCredential().certificate());

        Openssl.Result result = Openssl.run("verify", "-x509_strict", "-purpose", "sslserver",
                "-CAfile", pki.directory().resolve("root-ca.pem").toString(), server.toString());

        assertThat(result.output()).isEqualTo(server + ": OK\n");
    }

    @ParameterizedTest
    @EnumSource(KeyAlgorithm.class)
    void opensslVerifiesTheDeviceCertificateForTlsClientUseThroughTheDeviceCa(KeyAlgorithm algorithm) {
        SwitchPki pki = PKIS.get(algorithm);
        Path device = pki.directory().resolve("devices/001565abcdef.pem");

        Openssl.Result result = Openssl.verifyDeviceForClientUse(pki, device);

        assertThat(result.output()).isEqualTo(device + ": OK\n");
    }

    @Test
    void deviceOfAnotherPkiDoesNotValidate(@TempDir Path otherDirectory) {
        IssuedDevice stranger = TestPkis.initialised(otherDirectory, KeyAlgorithm.EC_P256)
                .issueDevice(PHONE, KeyAlgorithm.EC_P256);

        assertThatThrownBy(() -> Pkix.validate(PKIS.get(KeyAlgorithm.EC_P256).rootCaCertificate(), stranger.chain()))
                .isInstanceOf(CertPathValidatorException.class);
    }

    @Test
    void opensslRejectsADeviceOfAnotherPki(@TempDir Path otherDirectory) {
        SwitchPki other = TestPkis.initialised(otherDirectory, KeyAlgorithm.EC_P256);
        other.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        Path ours = PKIS.get(KeyAlgorithm.EC_P256).directory();

        Openssl.Result result = Openssl.run("verify", "-CAfile", ours.resolve("root-ca.pem").toString(),
                "-untrusted", other.directory().resolve("device-ca.pem").toString(),
                other.directory().resolve("devices/001565abcdef.pem").toString());

        assertThat(result.succeeded()).as(result.output()).isFalse();
    }
}
