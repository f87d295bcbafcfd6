package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.DatabaseConnection;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.server.settings.SettingsException;
import io.voxgate.server.settings.SettingsLoader;
import io.voxgate.server.settings.VoxgateSettings;
import io.voxgate.server.storage.EmbeddedObjectStore;

/** With database.url and s3.endpoint set, the switch uses those servers and starts nothing embedded. */
class ExternalServicesTest {

    private Path base;
    private Path otherStoreDir;
    private EmbeddedObjectStore otherStore;
    private DatabaseConnection otherDatabase;

    @BeforeEach
    void externalServers() throws Exception {
        base = TestSwitch.newBaseDir();
        otherDatabase = TestPostgres.freshDatabase();
        otherStoreDir = Files.createTempDirectory("voxgate-external-s3-");
        otherStore = EmbeddedObjectStore.start(otherStoreDir.resolve("objects"), otherStoreDir.resolve("secrets"), 0,
                "eu-west-1", "external-bucket");
    }

    @AfterEach
    void stop() throws Exception {
        otherStore.close();
        TestSwitch.delete(otherStoreDir);
        TestSwitch.delete(base);
    }

    private VoxgateSettings settings(String bucket) {
        return new SettingsLoader().loadText("voxgate.yml", TestSwitch.yaml(base, """
                database:
                  url: %s
                  username: %s
                  password: env:TEST_DB_PASSWORD
                s3:
                  endpoint: %s
                  region: eu-west-1
                  bucket: %s
                  access-key: env:TEST_S3_ACCESS
                  secret-key: env:TEST_S3_SECRET
                """.formatted(otherDatabase.jdbcUrl(), otherDatabase.username(), otherStore.endpoint().endpoint(), bucket)));
    }

    private Map<String, String> env() {
        return Map.of("TEST_DB_PASSWORD", otherDatabase.password(),
                "TEST_S3_ACCESS", otherStore.endpoint().accessKey(),
                "TEST_S3_SECRET", otherStore.endpoint().secretKey());
    }

    @Test
    void configuredDatabaseAndStoreAreUsedAndNothingEmbeddedStarts() throws Exception {
        try (SwitchRuntime runtime = SwitchRuntime.start(settings("external-bucket"), env(), quiet())) {
            assertThat(runtime.configStore().embedded()).isEmpty();
            assertThat(runtime.objectStore().embedded()).isEmpty();
            assertThat(runtime.objectStore().problem()).isEmpty();
        }
        assertThat(base.resolve("data/postgres")).doesNotExist();
        assertThat(base.resolve("data/objects")).doesNotExist();
    }

    @Test
    void missingExternalBucketStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> SwitchRuntime.start(settings("no-such-bucket"), env(), quiet()))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining("s3.bucket")
                .hasMessageContaining("no-such-bucket");
    }

    @Test
    void unsetPasswordVariableStopsTheStartNamingTheKeyAndTheVariable() {
        assertThatThrownBy(() -> SwitchRuntime.start(settings("external-bucket"), Map.of(), quiet()))
                .hasMessageContaining("database.password")
                .hasMessageContaining("TEST_DB_PASSWORD");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }
}
