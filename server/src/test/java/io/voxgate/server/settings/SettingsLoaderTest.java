package io.voxgate.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    private final SettingsLoader loader = new SettingsLoader();

    @Test
    void defaultsAreTheDocumentedSecureOnes() {
        VoxgateSettings s = loader.defaults();

        assertThat(s.sip().tlsPort()).isEqualTo(5061);
        assertThat(s.sip().tcpPort()).as("TCP off").isZero();
        assertThat(s.sip().udpPort()).as("UDP off").isZero();
        assertThat(s.provisioning().httpsPort()).isEqualTo(8444);
        assertThat(s.admin().httpsPort()).isEqualTo(8443);
        assertThat(s.media().portMin()).isEqualTo(20000);
        assertThat(s.database().isEmbedded()).isTrue();
        assertThat(s.s3().isEmbedded()).isTrue();
        assertThat(s.pki().keyAlgorithm()).isEqualTo("ec-p256");
        assertThat(s.dataDir().isAbsolute()).isTrue();
        assertThat(s.dataDir().getFileName().toString()).isEqualTo("data");
    }

    @Test
    void operatorValuesOverrideDefaultsKeyByKey() {
        VoxgateSettings s = loader.loadText("voxgate.yml", """
                admin:
                  https-port: 9443
                database:
                  embedded:
                    os-user: voxgate-db
                """);

        assertThat(s.admin().httpsPort()).isEqualTo(9443);
        assertThat(s.admin().listenAddress()).isEqualTo("0.0.0.0");
        assertThat(s.database().embedded().osUser()).isEqualTo("voxgate-db");
        assertThat(s.database().poolSize()).isEqualTo(10);
    }

    @Test
    void unknownKeyStopsTheStartNamingItAndTheKnownKeys() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  tls-prot: 5062\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("voxgate.yml: sip.tls-prot: unknown key")
                .hasMessageContaining("tls-port");
    }

    @Test
    void edgeSecurityKnobsAreCheckedByName() {
        assertThat(loader.defaults().sip().security().requestsPerSecondPerSource()).isEqualTo(50);
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  security:\n    ban-seconds: 0\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip.security.ban-seconds: expected at least 1");
    }

    @Test
    void theJitWarmUpDefaultsToTenSecondsAtMostAndRefusesALongerOneNamingTheKey() {
        assertThat(loader.defaults().sip().warmUpSeconds()).isEqualTo(10);
        assertThat(loader.loadText("voxgate.yml", "sip:\n  warm-up-seconds: 0\n").sip().warmUpSeconds()).isZero();

        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  warm-up-seconds: 600\n"))
                .hasMessageContaining("sip.warm-up-seconds").hasMessageContaining("600");
    }

    @Test
    void digestAlgorithmsDefaultToSha256ThenMd5AndMayBeNarrowedToMd5() {
        assertThat(loader.defaults().sip().digestAlgorithms()).containsExactly("SHA-256", "MD5");
        assertThat(loader.defaults().sip().connectToContacts()).isTrue();

        assertThat(loader.loadText("voxgate.yml", "sip:\n  digest-algorithms: [MD5]\n").sip().digestAlgorithms()).containsExactly("MD5");
    }

    @Test
    void anUnknownOrEmptyDigestAlgorithmListIsRefusedByName() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  digest-algorithms: [SHA-512-256]\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip.digest-algorithms: expected a non-empty list of distinct algorithms from [SHA-256, MD5]");
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  digest-algorithms: []\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip.digest-algorithms");
    }

    @Test
    void unknownTopLevelSectionIsRefused() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "recording:\n  enabled: true\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("recording: unknown key");
    }

    @Test
    void wrongTypeNamesTheKeyAndTheExpectedType() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  tls-port: five\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip.tls-port")
                .hasMessageContaining("expected a whole number");
    }

    @Test
    void portOutOfRangeNamesTheKeyAndTheRange() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "admin:\n  https-port: 70000\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessage("voxgate.yml: admin.https-port: expected a port from 0 to 65535, got 70000");
    }

    @Test
    void oddMediaPortMinIsRefusedWithTheReason() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "media:\n  port-min: 20001\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("media.port-min: expected an even port");
    }

    @Test
    void mediaRangeMustNotBeEmpty() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "media:\n  port-min: 30000\n  port-max: 29000\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("media.port-max");
    }

    @Test
    void listenAddressMustBeAnIpAddressNotAHostName() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip:\n  listen-address: pbx.example.com\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip.listen-address: expected an IP address");
    }

    @Test
    void secretWrittenIntoTheFileIsRefused() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "database:\n  password: hunter2\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("database.password")
                .hasMessageContaining("env:VARIABLE or file:/path")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void secretReferencesResolveFromTheEnvironmentAndFromFiles(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("db.password");
        Files.writeString(secret, "from-file\n");

        assertThat(SecretReference.parse("env:DB_PW").resolve(Map.of("DB_PW", "from-env"))).contains("from-env");
        assertThat(SecretReference.parse("file:" + secret).resolve(Map.of())).contains("from-file");
        assertThatThrownBy(() -> SecretReference.parse("env:MISSING").resolve(Map.of()))
                .hasMessage("environment variable MISSING is not set");
    }

    @Test
    void externalS3NeedsKeyReferences() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "s3:\n  endpoint: https://s3.example.com\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("s3.access-key: required when s3.endpoint is set");
    }

    @Test
    void databaseUrlMustBeAPostgresJdbcUrl() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "database:\n  url: mysql://db\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("database.url: expected empty (embedded PostgreSQL) or a jdbc:postgresql:// URL");
    }

    @Test
    void unknownKeyAlgorithmListsTheAcceptedOnes() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "pki:\n  key-algorithm: dsa\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("pki.key-algorithm: expected one of [ec-p256, rsa-2048], got 'dsa'");
    }

    @Test
    void sectionGivenAsAScalarIsRefused() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "sip: 5061\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("sip: expected a section with keys listen-address, tls-port");
    }

    @Test
    void brokenYamlNamesTheLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("voxgate.yml");
        Files.writeString(file, "sip:\n  tls-port: [5061\n");

        assertThatThrownBy(() -> loader.load(file))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("not valid YAML")
                .hasMessageContaining("line");
    }

    @Test
    void keyGivenTwiceIsRefusedRatherThanSilentlyOverridden() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "admin:\n  https-port: 8443\nadmin:\n  https-port: 9443\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("Duplicate field 'admin'");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yml")))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("nope.yml")
                .hasMessageContaining("does not exist");
    }

    @Test
    void emptyFileMeansDefaults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("voxgate.yml");
        Files.writeString(file, "# nothing configured\n");

        assertThat(loader.load(file).withSource(null)).isEqualTo(loader.defaults().withSource(null));
    }

    @Test
    void errorsNameTheFileTheSettingsCameFrom(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("site.yml");
        Files.writeString(file, "admin:\n  https-port: -1\n");

        assertThatThrownBy(() -> loader.load(file)).hasMessageStartingWith(file + ": admin.https-port");
        assertThat(loader.defaults().error("pki.keystore-password", "x").getMessage())
                .isEqualTo("built-in defaults: pki.keystore-password: x");
    }

    @Test
    void databaseUrlCarryingAPasswordIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml",
                "database:\n  url: jdbc:postgresql://127.0.0.1/voxgate?user=v&password=hunter2\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("database.url: must not carry a user or password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void remoteDatabaseWithoutVerifiedTlsIsRefused() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "database:\n  url: jdbc:postgresql://db.internal/voxgate\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("database.url")
                .hasMessageContaining("sslmode=verify-full");
    }

    @Test
    void remoteDatabaseWithVerifiedTlsAndLocalDatabaseWithoutAreAccepted() {
        assertThat(loader.loadText("voxgate.yml",
                "database:\n  url: jdbc:postgresql://db.internal:5432/voxgate?sslmode=verify-full\n").database().url())
                .endsWith("verify-full");
        assertThat(loader.loadText("voxgate.yml", "database:\n  url: jdbc:postgresql://localhost:5432/voxgate\n")
                .database().isEmbedded()).isFalse();
    }

    @Test
    void demoTenantNeedsAServerNameForItsSipDomain() {
        assertThatThrownBy(() -> loader.loadText("voxgate.yml", "pki:\n  server-names: []\n  server-ips: [\"::1\"]\n"))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("pki.server-names")
                .hasMessageContaining("demo.create-tenant: false");
        assertThat(loader.loadText("voxgate.yml",
                "pki:\n  server-names: []\n  server-ips: [\"::1\"]\ndemo:\n  create-tenant: false\n").pki().serverIps())
                .containsExactly("::1");
    }
}
