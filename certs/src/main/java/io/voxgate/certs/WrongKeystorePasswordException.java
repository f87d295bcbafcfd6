package io.voxgate.certs;

import java.nio.file.Path;

/**
 * A PKCS#12 file could not be opened with the configured password. Kept distinct so the launcher
 * can point the operator at the right configuration key rather than print a stack trace.
 */
public final class WrongKeystorePasswordException extends PkiException {
    private final transient Path file;

    public WrongKeystorePasswordException(Path file, Throwable cause) {
        super("the PKI keystore password is wrong: it does not open " + file, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
