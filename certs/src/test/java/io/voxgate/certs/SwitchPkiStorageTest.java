package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.DNS_NAMES;
import static io.voxgate.certs.TestPkis.IP_ADDRESSES;
import static io.voxgate.certs.TestPkis.ORGANISATION;
import static io.voxgate.certs.TestPkis.PASSWORD;
import static io.voxgate.certs.TestPkis.PHONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PKI directory across restarts: what is written, how it is protected, how it is read back. */
class SwitchPkiStorageTest {
    private static final List<String> KEYSTORES = List.of("root-ca.p12", "device-ca.p12", "server.p12");

    @TempDir
    Path directory;

    private Path pkiDirectory() {
        return directory.resolve("pki");
    }

    @Test
    void freshDirectoryIsNotInitialised() {
        assertThat(SwitchPki.open(pkiDirectory(), PASSWORD).isInitialised()).isFalse();
    }

    @Test
    void initWritesTheDocumentedLayout() {
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        assertThat(pkiDirectory()).isDirectoryContaining("glob:**/devices");
        for (String name : List.of("root-ca.p12", "root-ca.pem", "device-ca.p12", "device-ca.pem", "server.p12",
                "server-chain.pem", "revoked.tsv", "device-ca.crl")) {
            assertThat(pkiDirectory().resolve(name)).isRegularFile();
        }
    }

    @Test
    void pkiDirectoryIsCreatedOwnerOnly() throws IOException {
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pkiDirectory()))).isEqualTo("rwx------");
    }

    @Test
    void initRefusesToReplaceAnExistingRootCa() {
        // given
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        // when / then
        assertThatThrownBy(() -> pki.init(KeyAlgorithm.EC_P256, ORGANISATION, DNS_NAMES, IP_ADDRESSES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already initialised")
                .hasMessageContaining(pkiDirectory().resolve("root-ca.p12").toString());
    }

    @Test
    void initIfAbsentCreatesThePkiOnlyTheFirstTime() {
        // given
        SwitchPki pki = SwitchPki.open(pkiDirectory(), PASSWORD);
        boolean first = pki.initIfAbsent(KeyAlgorithm.EC_P256, ORGANISATION, DNS_NAMES, IP_ADDRESSES);
        String fingerprint = pki.rootCaFingerprint();

        // when
        boolean second = pki.initIfAbsent(KeyAlgorithm.EC_P256, ORGANISATION, DNS_NAMES, IP_ADDRESSES);

        // then
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(pki.rootCaFingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void reopenedPkiHasTheSameRootCaServerAndDeviceCa() {
        // given
        SwitchPki before = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        // when
        SwitchPki after = SwitchPki.open(pkiDirectory(), PASSWORD);

        // then
        assertThat(after.isInitialised()).isTrue();
        assertThat(after.rootCaFingerprint()).isEqualTo(before.rootCaFingerprint());
        assertThat(after.deviceCaCertificate()).isEqualTo(before.deviceCaCertificate());
        assertThat(after.serverCredential().chain()).isEqualTo(before.serverCredential().chain());
        assertThat(after.serverCredential().privateKey()).isEqualTo(before.serverCredential().privateKey());
    }

    @Test
    void wrongPasswordIsReportedAsAWrongKeystorePasswordNamingTheFile() {
        // given
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        // when / then
        assertThatThrownBy(() -> SwitchPki.open(pkiDirectory(), "guess".toCharArray()))
                .isInstanceOf(WrongKeystorePasswordException.class)
                .hasMessageContaining("PKI keystore password is wrong")
                .hasMessageContaining(pkiDirectory().resolve("root-ca.p12").toString())
                .extracting(e -> ((WrongKeystorePasswordException) e).file())
                .isEqualTo(pkiDirectory().resolve("root-ca.p12"));
    }

    @Test
    void emptyKeystorePasswordIsRejected() {
        assertThatThrownBy(() -> SwitchPki.open(pkiDirectory(), new char[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
    }

    @Test
    void callerMayWipeItsPasswordArrayAfterOpening() {
        // given
        char[] password = PASSWORD.clone();
        SwitchPki pki = SwitchPki.open(pkiDirectory(), password);

        // when
        Arrays.fill(password, '\0');
        pki.init(KeyAlgorithm.EC_P256, ORGANISATION, DNS_NAMES, IP_ADDRESSES);

        // then
        assertThatCode(() -> SwitchPki.open(pkiDirectory(), PASSWORD)).doesNotThrowAnyException();
    }

    @Test
    void keystoresAreReadableByTheOwnerOnly() throws IOException {
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        for (String keystore : KEYSTORES) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pkiDirectory().resolve(keystore))))
                    .as(keystore)
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void noFileInThePkiDirectoryHoldsAPemPrivateKey() throws IOException {
        // given a PKI that has issued a device certificate
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256).issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        List<Path> files;
        try (Stream<Path> walk = Files.walk(pkiDirectory())) {
            files = walk.filter(Files::isRegularFile).toList();
        }

        // then
        assertThat(files).hasSizeGreaterThan(8).allSatisfy(file ->
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY"));
    }

    @Test
    void keystoresEncryptKeysWithAes256UnderPbkdf2() {
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        Openssl.Result result = Openssl.run("pkcs12", "-in", pkiDirectory().resolve("server.p12").toString(),
                "-passin", "pass:" + new String(PASSWORD), "-info", "-noout");

        assertThat(result.output()).contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC");
    }

    @Test
    void exportedDevicePkcs12IsOwnerOnlyAndOpensWithItsOwnPassword() throws IOException {
        // given
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        Path out = directory.resolve("001565abcdef.p12");

        // when
        pki.exportPkcs12(phone, "phone-secret".toCharArray(), out);

        // then
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rw-------");
        Credential read = Pkcs12Files.read(out, "phone-secret".toCharArray());
        assertThat(read.privateKey()).isEqualTo(phone.privateKey());
        assertThat(read.chain()).isEqualTo(phone.chain());
    }

    @Test
    void opensslOpensTheExportedDevicePkcs12AsAPhoneWould() {
        // given
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        Path out = directory.resolve("phone.p12");
        pki.exportPkcs12(pki.issueDevice(PHONE, KeyAlgorithm.EC_P256), "phone-secret".toCharArray(), out);

        // when
        Openssl.Result result = Openssl.run("pkcs12", "-in", out.toString(), "-passin", "pass:phone-secret", "-nokeys");

        // then
        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).contains("subject=O = Example Telecom, OU = Voxgate device, CN = 001565abcdef");
    }

    @Test
    void rootCaFingerprintIsWhatOpensslShowsForTheRootCertificate() {
        // given
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        // when
        Openssl.Result openssl = Openssl.run("x509", "-noout", "-fingerprint", "-sha256",
                "-in", pkiDirectory().resolve("root-ca.pem").toString());

        // then
        assertThat(pki.rootCaFingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(openssl.output().strip()).isEqualTo("sha256 Fingerprint=" + pki.rootCaFingerprint());
    }

    @Test
    void rotatingTheServerCertificateReplacesItsKeyUnderTheSameRoot() {
        // given
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        Credential old = pki.serverCredential();

        // when
        Credential rotated = pki.issueServer(List.of("sip2.example.net"), List.of());

        // then
        assertThat(rotated.certificate().getPublicKey()).isNotEqualTo(old.certificate().getPublicKey());
        assertThat(rotated.chain().getLast()).isEqualTo(pki.rootCaCertificate());
        assertThat(SwitchPki.open(pkiDirectory(), PASSWORD).serverCredential().chain()).isEqualTo(rotated.chain());
        assertThatCode(() -> Pkix.validate(pki.rootCaCertificate(), rotated.chain())).doesNotThrowAnyException();
    }

    @Test
    void deviceCertificateIsFoundByMacAfterAReopen() {
        // given
        IssuedDevice phone = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256)
                .issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        SwitchPki reopened = SwitchPki.open(pkiDirectory(), PASSWORD);

        // then
        assertThat(reopened.deviceCertificate(MacAddress.parse("0015.65ab.cdef"))).contains(phone.certificate());
        assertThat(reopened.deviceCertificate(TestPkis.OTHER_PHONE)).isEmpty();
    }

    @Test
    void uninitialisedPkiSaysInitIsNeeded() {
        SwitchPki pki = SwitchPki.open(pkiDirectory(), PASSWORD);

        assertThatThrownBy(pki::rootCaCertificate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(pkiDirectory() + " is not initialised");
    }

    @Test
    void pkiMissingAKeystoreIsReportedAsIncompleteNamingTheFile() throws IOException {
        // given
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        Files.delete(pkiDirectory().resolve("device-ca.p12"));

        // when / then
        assertThatThrownBy(() -> SwitchPki.open(pkiDirectory(), PASSWORD))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("incomplete")
                .hasMessageContaining(pkiDirectory().resolve("device-ca.p12").toString());
    }
}
