package io.voxgate.certs;

import java.nio.file.Path;

/** Where each PKI object lives under the PKI directory; the only place file names are spelled. */
record PkiLayout(Path directory) {
    Path rootCaKeystore() {
        return directory.resolve("root-ca.p12");
    }

    Path rootCaPem() {
        return directory.resolve("root-ca.pem");
    }

    Path deviceCaKeystore() {
        return directory.resolve("device-ca.p12");
    }

    Path deviceCaPem() {
        return directory.resolve("device-ca.pem");
    }

    /** Server key with the chain server, root. */
    Path serverKeystore() {
        return directory.resolve("server.p12");
    }

    Path serverChainPem() {
        return directory.resolve("server-chain.pem");
    }

    Path devicesDirectory() {
        return directory.resolve("devices");
    }

    /** The public certificate most recently issued to a phone. */
    Path deviceCertificatePem(MacAddress mac) {
        return devicesDirectory().resolve(mac.canonical() + ".pem");
    }

    Path revocationList() {
        return directory.resolve("revoked.tsv");
    }

    Path deviceCaCrl() {
        return directory.resolve("device-ca.crl");
    }

    /** Locked for the length of every change; empty, and never deleted (see {@link PkiDirectoryLock}). */
    Path lockFile() {
        return directory.resolve(".pki.lock");
    }
}
