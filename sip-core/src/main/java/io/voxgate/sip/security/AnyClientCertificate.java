package io.voxgate.sip.security;

import java.net.Socket;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;

import io.voxgate.certs.ClientCertificateTrustManager;

/**
 * Lets the TLS handshake complete with whatever client certificate a phone sends (the handshake
 * still proves the phone holds its private key): the certificate is judged afterwards by
 * {@link DeviceCertificateCheck} under the tenant's policy. Rejecting at the handshake would lock
 * out phones that send a factory certificate this switch does not trust yet, in tenants that do
 * not require one. Only for client certificates: the server side is never checked with this.
 */
public final class AnyClientCertificate extends ClientCertificateTrustManager {

    private final X509Certificate[] acceptedIssuers;

    /** @param preferredIssuer named in the CertificateRequest, so phones holding one of ours send it */
    public AnyClientCertificate(X509Certificate preferredIssuer) {
        this.acceptedIssuers = new X509Certificate[] {preferredIssuer};
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return acceptedIssuers.clone();
    }
}
