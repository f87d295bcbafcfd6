package io.voxgate.certs;

/** A PKI operation failed for a reason the caller cannot fix by changing its arguments. */
public class PkiException extends RuntimeException {
    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }

    public PkiException(String message) {
        super(message);
    }
}
