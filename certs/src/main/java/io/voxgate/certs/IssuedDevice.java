package io.voxgate.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A freshly issued device certificate with its private key. The key exists only in this value: the
 * PKI keeps the public certificate, so hand the key to the phone (e.g. as PKCS#12) and drop it.
 */
public record IssuedDevice(MacAddress mac, Credential credential) {
    public IssuedDevice {
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(credential, "credential");
    }

    public X509Certificate certificate() {
        return credential.certificate();
    }

    public PrivateKey privateKey() {
        return credential.privateKey();
    }

    /** Device certificate, device CA, root CA. */
    public List<X509Certificate> chain() {
        return credential.chain();
    }
}
