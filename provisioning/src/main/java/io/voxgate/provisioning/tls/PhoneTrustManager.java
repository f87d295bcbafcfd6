package io.voxgate.provisioning.tls;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;

import io.voxgate.certs.CertificateRefusal;
import io.voxgate.certs.ClientCertificateTrustManager;
import io.voxgate.certs.DeviceCertificateVerifier;

/**
 * The provisioning listener's trust decision, made in the TLS handshake: a phone whose
 * certificate {@link DeviceCertificateVerifier} refuses never gets to send a request. Refusals
 * are reported with the peer's address (the engine is created with it) so they can be audited.
 */
public final class PhoneTrustManager extends ClientCertificateTrustManager {

    /** Told of every refused certificate; must not block (it runs inside the handshake). */
    public interface RefusalListener {
        void refused(InetSocketAddress peer, CertificateRefusal refusal);
    }

    private final DeviceCertificateVerifier verifier;
    private final RefusalListener listener;

    public PhoneTrustManager(DeviceCertificateVerifier verifier, RefusalListener listener) {
        this.verifier = verifier;
        this.listener = listener;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, engine == null || engine.getPeerHost() == null ? null : peer(engine.getPeerHost(), engine.getPeerPort()));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, socket == null ? null : (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    /** The engine knows the peer as the text the server gave it: a literal address, never a name to look up. */
    private static InetSocketAddress peer(String host, int port) {
        try {
            return new InetSocketAddress(java.net.InetAddress.ofLiteral(host), port);
        } catch (IllegalArgumentException notALiteral) {
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    private void check(X509Certificate[] chain, InetSocketAddress peer) throws CertificateRefusal {
        try {
            verifier.verify(chain);
        } catch (CertificateRefusal refusal) {
            listener.refused(peer, refusal);
            throw refusal;
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.acceptedIssuers();
    }
}
