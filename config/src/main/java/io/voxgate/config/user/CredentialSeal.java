package io.voxgate.config.user;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.voxgate.config.db.SecretFiles;

/**
 * Seals SIP passwords for storage, so provisioning can hand a phone its own password without the
 * database holding it in clear: AES-256-GCM with a random 96-bit nonce, the tenant's schema and
 * the username as associated data (a sealed value copied to another user does not open). The
 * key is a file of the switch's secrets directory, never in the database: a stolen dump alone
 * reveals no password. Every node of a cluster needs the same key file.
 */
public final class CredentialSeal {

    public static final String KEY_FILE = "credential-seal.key";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    CredentialSeal(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("the credential-seal key must be 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The key in {@code secretsDir}/credential-seal.key, made (0600) on first use. */
    public static CredentialSeal fromSecretsDirectory(Path secretsDir) throws IOException {
        String hex = SecretFiles.createOnce(secretsDir.resolve(KEY_FILE), () -> SecretFiles.randomHex(32));
        try {
            return new CredentialSeal(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IOException(secretsDir.resolve(KEY_FILE) + " is not a 64-digit hex key", e);
        }
    }

    public byte[] seal(String schema, String username, String password) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher gcm = cipher(Cipher.ENCRYPT_MODE, nonce, schema, username);
            byte[] sealed = gcm.doFinal(password.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** @throws IllegalStateException when the value was sealed under another key, or for another user */
    public String open(String schema, String username, byte[] sealed) {
        try {
            Cipher gcm = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(sealed, NONCE_BYTES), schema, username);
            return new String(gcm.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the sealed SIP password of " + username + " does not open with this switch's "
                    + KEY_FILE + " (another node's key, or the value was moved)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String schema, String username) throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        gcm.updateAAD((schema + "\u0000" + username).getBytes(StandardCharsets.UTF_8));
        return gcm;
    }
}
