package io.voxgate.config.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes secrets readable by their owner only: the file is created 0600, then filled, then moved in place. */
public final class SecretFiles {

    private SecretFiles() {
    }

    /**
     * The secret in {@code file}, created from {@code generator} if the file does not exist. Two
     * processes racing on a fresh data dir both end up with the one value that won the race,
     * never with a value that was overwritten after the other had used it.
     */
    public static String createOnce(Path file, java.util.function.Supplier<String> generator) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".secret-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(temp, generator.get(), StandardCharsets.UTF_8);
                // link(2), unlike rename(2), refuses to replace an existing file: first writer wins.
                Files.createLink(file, temp);
            } catch (java.nio.file.FileAlreadyExistsException lostTheRace) {
                // the other process's secret stands
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    /** A hex string of {@code bytes} random bytes. */
    public static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random);
    }

    public static void writeOwnerOnly(Path file, String secret) throws IOException {
        Files.createDirectories(file.getParent());
        Path temp = Files.createTempFile(file.getParent(), ".secret-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, secret, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
