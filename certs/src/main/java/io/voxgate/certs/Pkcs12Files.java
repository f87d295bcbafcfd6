package io.voxgate.certs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Private keys at rest: one password-protected PKCS#12 file per key, written 0600.
 *
 * <p>The key bag is encrypted with PBES2 (PBKDF2-HmacSHA256, AES-256-CBC) named explicitly, so a
 * {@code keystore.pkcs12.keyProtectionAlgorithm} override in {@code java.security} cannot weaken
 * it; the integrity MAC uses the JDK default, HmacPBESHA256 since JDK 12.
 */
final class Pkcs12Files {
    private static final String KEY_PROTECTION = "PBEWithHmacSHA256AndAES_256";

    private Pkcs12Files() {}

    static void write(Path file, String alias, Credential credential, char[] password) {
        requirePassword(password);
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setEntry(alias,
                    new KeyStore.PrivateKeyEntry(credential.privateKey(), credential.chainArray()),
                    new KeyStore.PasswordProtection(password, KEY_PROTECTION, null));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            keyStore.store(bytes, password);
            AtomicFileWriter.writeOwnerOnly(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode PKCS#12 for " + file, e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot build PKCS#12 file " + file, e);
        }
    }

    /** Reads the single key entry a file written by {@link #write} holds. */
    static Credential read(Path file, char[] password) {
        KeyStore keyStore = load(file, password);
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                if (keyStore.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) keyStore.getKey(alias, password);
                    Certificate[] chain = keyStore.getCertificateChain(alias);
                    return new Credential(key, Arrays.stream(chain).map(X509Certificate.class::cast).toList());
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new WrongKeystorePasswordException(file, e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot read the key in " + file, e);
        }
        throw new PkiException(file + " holds no private key");
    }

    private static KeyStore load(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, password);
            return keyStore;
        } catch (IOException e) {
            // The JDK reports a failed MAC check, i.e. a wrong password, as an IOException caused by
            // UnrecoverableKeyException; anything else really is an I/O or format problem.
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new WrongKeystorePasswordException(file, e);
            }
            throw new UncheckedIOException("cannot read PKCS#12 file " + file, e);
        } catch (GeneralSecurityException e) {
            throw new PkiException("cannot read PKCS#12 file " + file, e);
        }
    }

    static void requirePassword(char[] password) {
        // An empty password would make the encryption a formality.
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("a PKCS#12 password is required and must not be empty");
        }
    }
}
