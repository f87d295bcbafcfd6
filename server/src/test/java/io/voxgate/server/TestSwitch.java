package io.voxgate.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

import io.voxgate.server.settings.SettingsLoader;
import io.voxgate.server.settings.VoxgateSettings;

/** Settings for a switch under test: its own data dir, every port chosen by the OS. */
final class TestSwitch {

    private TestSwitch() {
    }

    /** A data dir the embedded PostgreSQL's unprivileged account can reach (its parent is 0711). */
    static Path newBaseDir() throws IOException {
        Path base = Files.createTempDirectory("voxgate-switch-");
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
        return base;
    }

    static String yaml(Path base) {
        return yaml(base, """
                database:
                  embedded:
                    port: 0
                s3:
                  embedded:
                    port: 0
                """);
    }

    /** The test settings with the given database and s3 sections (external services). */
    static String yaml(Path base, String databaseAndS3) {
        return """
                data-dir: %s
                sip:
                  listen-address: 127.0.0.1
                  tls-port: 0
                admin:
                  listen-address: 127.0.0.1
                  https-port: 0
                %s
                pki:
                  server-names: [localhost]
                  server-ips: [127.0.0.1]
                """.formatted(base.resolve("data"), databaseAndS3.strip());
    }

    static VoxgateSettings settings(Path base) {
        return new SettingsLoader().loadText("test voxgate.yml", yaml(base));
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
