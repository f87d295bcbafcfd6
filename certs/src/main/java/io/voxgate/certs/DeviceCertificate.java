package io.voxgate.certs;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A device certificate issued for a key the device generated and keeps, e.g. from its CSR at
 * enrolment. Unlike {@link IssuedDevice} there is no private key: it never left the device.
 *
 * @param chain device certificate, device CA, root CA
 */
public record DeviceCertificate(MacAddress mac, List<X509Certificate> chain) {
    public DeviceCertificate {
        Objects.requireNonNull(mac, "mac");
        chain = List.copyOf(chain);
    }

    /** The device's own certificate, the first of the chain. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** The chain as concatenated PEM blocks, leaf first, as devices install it. */
    public String chainPem() {
        return PemFiles.encodeCertificates(chain);
    }
}
