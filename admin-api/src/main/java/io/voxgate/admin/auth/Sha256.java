package io.voxgate.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * How refresh tokens and app secrets are stored: SHA-256, not a slow hash, because they are 256
 * random bits nobody can guess, unlike a password.
 */
final class Sha256 {

    private Sha256() {
    }

    static byte[] of(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((token == null ? "" : token).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
