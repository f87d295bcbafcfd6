package io.voxgate.certs;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager of a TLS server that judges clients' certificates only; asked to judge a
 * server's it refuses, so it can never end up trusting a peer on the client side by mistake.
 */
public abstract class ClientCertificateTrustManager extends X509ExtendedTrustManager {

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this trust manager judges client certificates only");
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this trust manager judges client certificates only");
    }

    @Override
    public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("this trust manager judges client certificates only");
    }
}
