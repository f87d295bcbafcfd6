package io.voxgate.server.pki;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.SwitchPki;
import io.voxgate.certs.WrongKeystorePasswordException;
import io.voxgate.config.db.SecretFiles;
import io.voxgate.server.settings.VoxgateSettings;

/**
 * Opens the switch's PKI under {@code <data-dir>/pki} with the keystore password from
 * {@code pki.keystore-password}; when that is not set, a random password is generated on first
 * start and kept in {@code <data-dir>/secrets} (owner-only), so an out-of-the-box switch never
 * writes a private key under a guessable password.
 */
public final class PkiRuntime {

    static final String GENERATED_PASSWORD_FILE = "pki-keystore.password";

    private PkiRuntime() {
    }

    public static char[] keystorePassword(VoxgateSettings settings, Map<String, String> env) throws IOException {
        var reference = settings.pki().keystorePassword();
        if (reference.isSet()) {
            try {
                return reference.resolve(env).orElseThrow().toCharArray();
            } catch (IllegalStateException e) {
                throw settings.error("pki.keystore-password", e.getMessage());
            }
        }
        return SecretFiles.createOnce(settings.secretsDir().resolve(GENERATED_PASSWORD_FILE), () -> SecretFiles.randomHex(24))
                .toCharArray();
    }

    /** Opens the PKI, creating root CA, device CA and server certificate when it does not exist yet. */
    public static SwitchPki openOrInit(VoxgateSettings settings, Map<String, String> env) throws IOException {
        SwitchPki pki = open(settings, env);
        if (!pki.isInitialised()) {
            VoxgateSettings.Pki p = settings.pki();
            pki.init(KeyAlgorithm.fromConfig(p.keyAlgorithm()), p.organisation(), p.serverNames(), serverIps(settings));
        }
        return pki;
    }

    public static SwitchPki open(VoxgateSettings settings, Map<String, String> env) throws IOException {
        char[] password = keystorePassword(settings, env);
        try {
            SwitchPki pki = SwitchPki.open(settings.pkiDir(), password);
            if (pki.isInitialised()) {
                pki.serverCredential(); // fails now, naming the key, if the password is wrong
            }
            return pki;
        } catch (WrongKeystorePasswordException e) {
            throw settings.error("pki.keystore-password",
                    "does not open " + e.file() + " (wrong password for the existing PKI)");
        }
    }

    public static List<InetAddress> serverIps(VoxgateSettings settings) {
        return settings.pki().serverIps().stream().map(InetAddress::ofLiteral).toList();
    }

    public static Path serverKeystore(VoxgateSettings settings) {
        return settings.pkiDir().resolve("server.p12");
    }
}
