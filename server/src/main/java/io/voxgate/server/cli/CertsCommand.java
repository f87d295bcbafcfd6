package io.voxgate.server.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Locale;

import io.voxgate.certs.IssuedDevice;
import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.Revocation;
import io.voxgate.certs.SwitchPki;
import io.voxgate.server.Voxgate;
import io.voxgate.server.pki.PkiRuntime;
import io.voxgate.server.settings.VoxgateSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code voxgate certs ...}: the switch's PKI under {@code <data-dir>/pki}. */
@Command(name = "certs", description = "Manage the switch's CA, server and device certificates.")
public final class CertsCommand {

    @ParentCommand
    private Voxgate root;

    @Spec
    private CommandSpec spec;

    @Command(name = "init", description = "Create the root CA, the device CA and the server certificate.")
    int init() throws IOException {
        VoxgateSettings settings = root.settings();
        SwitchPki pki = PkiRuntime.open(settings, root.environment());
        if (pki.isInitialised()) {
            throw new IllegalStateException("the PKI in " + settings.pkiDir() + " exists already (root CA "
                    + pki.rootCaFingerprint() + "); nothing was changed");
        }
        pki.init(KeyAlgorithm.fromConfig(settings.pki().keyAlgorithm()), settings.pki().organisation(),
                settings.pki().serverNames(), PkiRuntime.serverIps(settings));
        out("PKI created in " + settings.pkiDir() + "\nroot CA SHA-256 fingerprint " + pki.rootCaFingerprint());
        return 0;
    }

    @Command(name = "issue-server", description = "Re-issue the server certificate for pki.server-names and pki.server-ips.")
    int issueServer() throws IOException {
        VoxgateSettings settings = root.settings();
        SwitchPki pki = initialised(settings);
        var credential = pki.issueServer(settings.pki().serverNames(), PkiRuntime.serverIps(settings));
        out("server certificate re-issued, serial " + credential.certificate().getSerialNumber().toString(16)
                + ", valid until " + credential.certificate().getNotAfter().toInstant()
                + "\nrestart the switch to serve it");
        return 0;
    }

    @Command(name = "issue-device", description = "Issue a device certificate for a phone's MAC, exported as PKCS#12.")
    int issueDevice(
            @Option(names = "--mac", required = true, description = "The phone's MAC, e.g. 00:15:65:ab:cd:ef") String mac,
            @Option(names = "--out", required = true, description = "PKCS#12 file to write (mode 0600)") Path out,
            @Option(names = "--algorithm", description = "ec-p256 (default) or rsa-2048") String algorithm,
            @Option(names = "--password-env", paramLabel = "VARIABLE",
                    description = "Environment variable holding the PKCS#12 password; default: a random one, printed once")
            String passwordEnv) throws IOException {
        VoxgateSettings settings = root.settings();
        SwitchPki pki = initialised(settings);
        KeyAlgorithm keyAlgorithm = KeyAlgorithm.fromConfig(algorithm == null ? settings.pki().keyAlgorithm() : algorithm);
        String password = passwordEnv == null ? Passwords.random() : requireEnv(passwordEnv);
        IssuedDevice device = pki.issueDevice(MacAddress.parse(mac), keyAlgorithm);
        pki.exportPkcs12(device, password.toCharArray(), out);
        out("device certificate for " + device.mac() + " (serial " + device.certificate().getSerialNumber().toString(16)
                + ") written to " + out + (passwordEnv == null ? "\nPKCS#12 password (shown once): " + password : ""));
        return 0;
    }

    @Command(name = "revoke", description = "Revoke a device certificate and publish a new CRL.")
    int revoke(
            @Option(names = "--mac", description = "Revoke the certificate issued for this MAC") String mac,
            @Option(names = "--serial", description = "Revoke by serial number (hex)") String serial,
            @Option(names = "--reason", defaultValue = "UNSPECIFIED",
                    description = "CRL reason: UNSPECIFIED, KEY_COMPROMISE, AFFILIATION_CHANGED, SUPERSEDED, CESSATION_OF_OPERATION")
            String reason) throws IOException {
        if ((mac == null) == (serial == null)) {
            throw new IllegalArgumentException("give exactly one of --mac or --serial");
        }
        CRLReason crlReason = CRLReason.valueOf(reason.toUpperCase(Locale.ROOT));
        SwitchPki pki = initialised(root.settings());
        Revocation revocation = mac != null ? pki.revoke(MacAddress.parse(mac), crlReason)
                : pki.revoke(new BigInteger(serial, 16), crlReason);
        out("revoked serial " + revocation.serial().toString(16) + " (" + revocation.reason() + "); CRL updated");
        return 0;
    }

    @Command(name = "renew-device-ca",
            description = "Renew the device CA's certificate (same key and name): every phone certificate keeps working.")
    int renewDeviceCa() throws IOException {
        X509Certificate renewed = initialised(root.settings()).renewDeviceCa();
        out("device CA renewed: serial " + renewed.getSerialNumber().toString(16) + ", valid until " + renewed.getNotAfter().toInstant()
                + "\nrestart running switches to present the renewed chain (the old certificate stays valid until it expires)");
        return 0;
    }

    @Command(name = "crl", description = "Regenerate the device CA's CRL and print where it is.")
    int crl() throws IOException {
        VoxgateSettings settings = root.settings();
        SwitchPki pki = initialised(settings);
        X509CRL crl = pki.regenerateCrl();
        out("CRL " + settings.pkiDir().resolve("device-ca.crl") + ": " + pki.revocations().size()
                + " revoked, next update " + crl.getNextUpdate().toInstant());
        return 0;
    }

    private SwitchPki initialised(VoxgateSettings settings) throws IOException {
        SwitchPki pki = PkiRuntime.open(settings, root.environment());
        if (!pki.isInitialised()) {
            throw new IllegalStateException("no PKI in " + settings.pkiDir() + " yet: run 'voxgate certs init' or start the switch once");
        }
        return pki;
    }

    private String requireEnv(String variable) {
        String value = root.environment().get(variable);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("environment variable " + variable + " (--password-env) is not set");
        }
        return value;
    }

    private void out(String text) {
        spec.commandLine().getOut().println(text);
    }
}
