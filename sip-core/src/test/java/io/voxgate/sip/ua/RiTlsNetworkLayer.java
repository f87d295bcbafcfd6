package io.voxgate.sip.ua;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.GeneralSecurityException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;

/**
 * The sockets of one RI stack ({@code gov.nist.javax.sip.NETWORK_LAYER}), with TLS from that
 * stack's own {@link RiTlsKeys}. The RI's blocking transports take their TLS sockets from here;
 * without it they would use the JVM-wide {@code javax.net.ssl.*} defaults. (The RI's NIO TLS
 * transport, which reads {@code SECURITY_MANAGER_PROVIDER} itself, is unusable in 1.3.0-91: it
 * connects twice to a new destination and sends the first connection's ClientHello as application
 * data on the second, so the first request never arrives.)
 */
public final class RiTlsNetworkLayer implements NetworkLayer {

    private static final Logger log = LoggerFactory.getLogger("jain-sip-ri.tls");
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private SipStackImpl stack;
    private SSLContext client;
    private SSLContext listener;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    @Override
    public void setSipStack(SipStackImpl stack) {
        this.stack = stack;
        try {
            RiTlsKeys keys = new RiTlsKeys();
            keys.init(stack.getConfigurationProperties());
            client = SSLContext.getInstance("TLS");
            client.init(keys.getKeyManagers(true), keys.getTrustManagers(true), null);
            listener = SSLContext.getInstance("TLS");
            listener.init(keys.getKeyManagers(false), keys.getTrustManagers(false), null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS for RI stack " + stack.getStackName(), e);
        }
    }

    /**
     * From now on no new connection: a stopping RI stack that sees its connection close reads the
     * end of the stream as a keepalive ping (RFC 5626 §4.4.1), and reconnects to the switch to
     * answer it, after it closed its sockets; that connection would stay open for good.
     */
    public void refuseNewConnections() {
        refusing = true;
    }

    /** Closes every connection this stack opened and the RI left open. */
    public void closeAll() {
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        connections.clear();
    }

    @Override
    public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return (SSLServerSocket) listener.getServerSocketFactory().createServerSocket(port, backlog, bindAddress);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
        return createSSLSocket(address, port, null);
    }

    @Override
    public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket();
        // the RI sets ENABLED_CIPHER_SUITES on its listener only; its blocking client would offer the JDK's defaults
        socket.setEnabledCipherSuites(stack.getEnabledCipherSuites());
        // and it checks no name: the switch's certificate must name the address dialled (RFC 5922 §7.2 asks that of a domain)
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.addHandshakeCompletedListener(handshake -> log.debug("{}: {} {} with {}:{}", stack.getStackName(),
                handshake.getSession().getProtocol(), handshake.getCipherSuite(), address.getHostAddress(), port));
        return connected(socket, address, port, localAddress, 0);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress) throws IOException {
        return new ServerSocket(port, backlog, bindAddress);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return createSocket(address, port, null, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress) throws IOException {
        return createSocket(address, port, localAddress, 0);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new Socket(), address, port, localAddress, localPort);
    }

    private <S extends Socket> S connected(S socket, InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        if (refusing) {
            socket.close();
            throw new IOException("RI stack " + stack.getStackName() + " is stopping: no new connection to " + address + ":" + port);
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, localPort));
        }
        socket.setTcpNoDelay(true); // the RI writes a response and the next request back to back: no Nagle wait between them
        connections.add(socket);
        socket.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
        return socket;
    }

    @Override
    public DatagramSocket createDatagramSocket() throws SocketException {
        return new DatagramSocket();
    }

    @Override
    public DatagramSocket createDatagramSocket(int port, InetAddress localAddress) throws SocketException {
        return new DatagramSocket(port, localAddress);
    }
}
