package io.voxgate.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.voxgate.certs.Credential;

/** A test phone listening for SIP over TLS on loopback: what the switch dials when it connects to a Contact. */
public final class ListeningPhone implements AutoCloseable {

    private final SSLServerSocket listener;

    ListeningPhone(Credential certificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("phone", certificate.privateKey(), "k".toCharArray(), certificate.chainArray());
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "k".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(10_000);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String contact(String user) {
        return "<sip:" + user + "@127.0.0.1:" + port() + ";transport=tls>";
    }

    /** The next connection the switch opens to this phone. */
    public TestSipClient accept() throws IOException {
        return new TestSipClient((SSLSocket) listener.accept());
    }

    /** Whether the switch connects within {@code millis}. */
    public boolean isConnectedToWithin(int millis) throws IOException {
        listener.setSoTimeout(millis);
        try {
            listener.accept().close();
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
