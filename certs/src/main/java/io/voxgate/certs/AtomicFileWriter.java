package io.voxgate.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces PKI files so that a crash leaves either the old or the new content, never half of it:
 * write a temporary sibling, flush it to disk, rename it over the target.
 */
final class AtomicFileWriter {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");
    static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private AtomicFileWriter() {}

    /**
     * For files holding (encrypted) private keys. The temporary file is created 0600, so the bytes
     * are never readable by others, not even between create and chmod.
     */
    static void writeOwnerOnly(Path target, byte[] content) {
        write(target, content, OWNER_ONLY);
    }

    /** For certificates, CRLs and the revocation list, which phones and operators may read. */
    static void writeWorldReadable(Path target, byte[] content) {
        write(target, content, WORLD_READABLE);
    }

    /** Creates missing directories as 0700; existing ones keep the permissions the operator chose. */
    static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create PKI directory " + directory, e);
        }
    }

    private static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
        Path directory = target.toAbsolutePath().getParent();
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(permissions);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(directory, "." + target.getFileName(), ".tmp", mode);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temporary = null;
            flushDirectory(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Makes the rename itself durable; without it a power cut can bring the old file back. */
    private static void flushDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException notSupportedHere) {
            // Some file systems refuse to open directories; the rename is still atomic there.
        }
    }

    private static void deleteQuietly(Path leftover) {
        if (leftover != null) {
            try {
                Files.deleteIfExists(leftover);
            } catch (IOException ignored) {
                // The write already failed and that is the error the caller needs to see.
            }
        }
    }
}
