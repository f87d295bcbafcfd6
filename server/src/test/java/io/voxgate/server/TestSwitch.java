package io.voxgate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;

import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.UserDirectory;

import io.voxgate.server.settings.SettingsLoader;
import io.voxgate.server.settings.VoxgateSettings;

/** Settings for a switch under test: its own data dir, every port chosen by the OS. */
final class TestSwitch {

    private static final String EMBEDDED_SERVICES = """
            database:
              embedded:
                port: 0
            s3:
              embedded:
                port: 0
            """;

    private TestSwitch() {
    }

    /** A data dir the embedded PostgreSQL's unprivileged account can reach (its parent is 0711). */
    static Path newBaseDir() throws IOException {
        Path base = Files.createTempDirectory("voxgate-switch-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        return base;
    }

    /** The relay's ports in tests: above the phones' (Baresip takes 20000-29999), below the ephemeral range. */
    static final int RELAY_PORT_MIN = 30_000;
    static final int RELAY_PORT_MAX = 31_999;

    static String yaml(Path base) {
        return yaml(base, EMBEDDED_SERVICES);
    }

    /** The test settings with the given database and s3 sections (external services). */
    static String yaml(Path base, String databaseAndS3) {
        return yaml(base, databaseAndS3, "");
    }

    /** The test settings with more {@code sip:} keys, one a line without indent ({@code "digest-algorithms: [MD5]"}). */
    private static String yaml(Path base, String databaseAndS3, String sipKeys) {
        return yaml(base, databaseAndS3, sipKeys, "");
    }

    private static String yaml(Path base, String databaseAndS3, String sipKeys, String mediaKeys) {
        return """
                data-dir: %s
                sip:
                  listen-address: 127.0.0.1
                  tls-port: 0
                  warm-up-seconds: 0
                %s
                provisioning:
                  listen-address: 127.0.0.1
                  https-port: 0
                  enrolment-port: %d
                admin:
                  listen-address: 127.0.0.1
                  https-port: 0
                  requests-per-minute-per-address: 1000
                media:
                  listen-address: 127.0.0.1
                  port-min: %d
                  port-max: %d
                %s
                %s
                pki:
                  server-names: [localhost]
                  server-ips: [127.0.0.1]
                """.formatted(base.resolve("data"), sipKeys.strip().indent(2).stripTrailing(), freePort(), RELAY_PORT_MIN, RELAY_PORT_MAX,
                        mediaKeys.strip().indent(2).stripTrailing(), databaseAndS3.strip());
    }

    /** A port free right now (the enrolment listener has no "any port" setting: 0 turns it off). */
    private static int freePort() {
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static VoxgateSettings settings(Path base) {
        return new SettingsLoader().loadText("test voxgate.yml", yaml(base));
    }

    static VoxgateSettings settings(Path base, String sipKeys) {
        return new SettingsLoader().loadText("test voxgate.yml", yaml(base, EMBEDDED_SERVICES, sipKeys));
    }

    /** The test settings with more {@code sip:} and {@code media:} keys, one a line without indent. */
    static VoxgateSettings settings(Path base, String sipKeys, String mediaKeys) {
        return new SettingsLoader().loadText("test voxgate.yml", yaml(base, EMBEDDED_SERVICES, sipKeys, mediaKeys));
    }

    /** Starts the switch with {@code settings}, its console output discarded. */
    static SwitchRuntime start(VoxgateSettings settings) throws Exception {
        return SwitchRuntime.start(settings, Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Adds a user with {@code password} to the {@code demo} tenant (SIP domain {@code localhost}). */
    static void addDemoUser(SwitchRuntime runtime, String extension, String name, String password) throws Exception {
        Tenant demo = new TenantDirectory(runtime.configStore().database()).find("demo").orElseThrow();
        new UserDirectory(runtime.configStore().database()).add(demo, extension, name, null, password);
    }

    static Path writeConfig(Path base) throws IOException {
        Path file = base.resolve("voxgate.yml");
        Files.writeString(file, yaml(base));
        return file;
    }

    static void delete(Path base) throws IOException {
        try (var paths = Files.walk(base)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
