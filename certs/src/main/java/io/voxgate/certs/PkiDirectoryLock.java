package io.voxgate.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes changes to one PKI directory take turns, whether they come from the running switch or from
 * {@code voxgate certs} commands in other processes: an exclusive lock on {@code .pki.lock}, held
 * for one operation.
 *
 * <p>File locks belong to the whole JVM, so a second {@link SwitchPki} on the same directory in
 * this JVM would get an {@link OverlappingFileLockException} instead of waiting. Threads therefore
 * first take a {@link ReentrantLock} shared by everything in this JVM that opens the directory
 * (keyed by its real path, so a symlink does not split it), and only the outermost hold of a
 * thread touches the file lock.
 */
final class PkiDirectoryLock {
    /** Releases the lock; for try-with-resources. */
    interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger log = LoggerFactory.getLogger(PkiDirectoryLock.class);
    private static final ConcurrentMap<Path, PkiDirectoryLock> BY_DIRECTORY = new ConcurrentHashMap<>();

    private final Path lockFile;
    private final ReentrantLock inThisJvm = new ReentrantLock();
    private FileLock fileLock; // guarded by inThisJvm; set while a thread's outermost hold lasts

    private PkiDirectoryLock(Path lockFile) {
        this.lockFile = lockFile;
    }

    /** Blocks until no other thread or process is changing the directory, which must exist. */
    static Hold acquire(PkiLayout layout) {
        Path directory;
        try {
            directory = layout.directory().toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the PKI directory " + layout.directory(), e);
        }
        return BY_DIRECTORY.computeIfAbsent(directory, real -> new PkiDirectoryLock(new PkiLayout(real).lockFile()))
                .hold();
    }

    private Hold hold() {
        inThisJvm.lock();
        if (inThisJvm.getHoldCount() == 1) {
            try {
                fileLock = lockFile();
            } catch (RuntimeException e) {
                inThisJvm.unlock();
                throw e;
            }
        }
        return this::release;
    }

    private void release() {
        try {
            if (inThisJvm.getHoldCount() == 1) {
                FileLock held = fileLock;
                fileLock = null;
                held.channel().close(); // releases the lock too
            }
        } catch (IOException e) {
            // The operation itself succeeded; the kernel drops the lock with the descriptor anyway.
            log.warn("Could not close {}", lockFile, e);
        } finally {
            inThisJvm.unlock();
        }
    }

    private FileLock lockFile() {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(AtomicFileWriter.OWNER_ONLY));
            return channel.lock();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock " + lockFile + " to change the PKI", e);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new IllegalStateException(lockFile + " is locked by code in this JVM that bypasses PkiDirectoryLock", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Locking already failed and that is the error the caller needs to see.
            }
        }
    }
}
