package io.voxgate.certs;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A private key with its certificate chain, leaf first, as TLS stacks and PKCS#12 files want it.
 *
 * @param chain the key's certificate followed by its issuers, up to and including the root
 */
public record Credential(PrivateKey privateKey, List<X509Certificate> chain) {
    public Credential {
        Objects.requireNonNull(privateKey, "privateKey");
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("a credential needs at least its own certificate");
        }
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** The chain as the array {@code KeyStore} and Netty's {@code SslContextBuilder} take. */
    public X509Certificate[] chainArray() {
        return chain.toArray(X509Certificate[]::new);
    }

    /**
     * The chain a TLS server presents: without a self-signed root at its end, which RFC 8446 §4.4.2
     * lets it omit since the peer must already trust it to make use of it. Sent, it only costs the
     * peer bytes, a certificate parse and a signature check on every handshake.
     */
    public X509Certificate[] presentedChain() {
        X509Certificate last = chain.getLast();
        boolean endsInRoot = chain.size() > 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
        return (endsInRoot ? chain.subList(0, chain.size() - 1) : chain).toArray(X509Certificate[]::new);
    }

    @Override
    public String toString() {
        // Never print key material, not even by accident in a log line.
        return "Credential[" + certificate().getSubjectX500Principal().getName() + ", serial "
                + certificate().getSerialNumber().toString(16) + "]";
    }
}
