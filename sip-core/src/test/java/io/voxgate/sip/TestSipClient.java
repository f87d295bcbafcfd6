package io.voxgate.sip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A deliberately small SIP-over-TLS user agent for tests: real TLS (verifying the switch's CA),
 * raw SIP text out, responses read back by Content-Length. Digest responses are computed here
 * independently of the switch's code.
 */
public final class TestSipClient implements AutoCloseable {

    /** A received message; {@code status} is -1 for a request ({@code reason} then holds its request line). */
    public record Response(int status, String reason, Map<String, List<String>> headers, String raw) {
        public boolean isRequest() {
            return status < 0;
        }

        public String method() {
            return reason.split(" ")[0];
        }

        /** Name-addr values of a header however they were folded (one line each, or comma-separated). */
        public List<String> addresses(String name) {
            List<String> values = new ArrayList<>();
            for (String line : all(name)) {
                values.addAll(List.of(line.split("(?<=>)\\s*,\\s*")));
            }
            return values;
        }

        /** Every header line of a name, in order, as "Name: value" lines to copy into an answer. */
        public String copy(String name) {
            StringBuilder lines = new StringBuilder();
            for (String value : all(name)) {
                lines.append(name).append(": ").append(value).append("\r\n");
            }
            return lines.toString();
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase());
            return values == null ? null : values.getFirst();
        }

        public List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(), List.of());
        }
    }

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private int cseq = 1;
    private final String callId = "test-" + System.nanoTime();

    public TestSipClient(int port, Path rootCaPem) throws Exception {
        this(port, rootCaPem, null);
    }

    /** A client that presents {@code device} (a device certificate and its key) when the switch asks. */
    public TestSipClient(int port, Path rootCaPem, io.voxgate.certs.IssuedDevice device) throws Exception {
        SSLContext tls = io.voxgate.certs.TlsPolicy.clientTrusting(rootCaPem);
        if (device != null) {
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("device", device.privateKey(), "k".toCharArray(),
                    device.chain().toArray(new java.security.cert.Certificate[0]));
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, "k".toCharArray());
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (var in = java.nio.file.Files.newInputStream(rootCaPem)) {
                trust.setCertificateEntry("root", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            tmf.init(trust);
            tls = SSLContext.getInstance("TLS");
            tls.init(new javax.net.ssl.KeyManager[] {alwaysPresenting((javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0])},
                    tmf.getTrustManagers(), null);
        }
        socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
        var params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // check the server certificate's name
        socket.setSSLParameters(params);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The switch's side of a connection the switch opened to a listening test phone. */
    TestSipClient(SSLSocket accepted) throws IOException {
        socket = accepted;
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Presents the device certificate whatever issuers the server names, as some phones do. */
    private static javax.net.ssl.X509KeyManager alwaysPresenting(javax.net.ssl.X509KeyManager keys) {
        return new javax.net.ssl.X509ExtendedKeyManager() {
            @Override public String[] getClientAliases(String type, java.security.Principal[] issuers) { return new String[] {"device"}; }
            @Override public String chooseClientAlias(String[] type, java.security.Principal[] issuers, java.net.Socket socket) { return "device"; }
            @Override public String[] getServerAliases(String type, java.security.Principal[] issuers) { return null; }
            @Override public String chooseServerAlias(String type, java.security.Principal[] issuers, java.net.Socket socket) { return null; }
            @Override public java.security.cert.X509Certificate[] getCertificateChain(String alias) { return keys.getCertificateChain(alias); }
            @Override public java.security.PrivateKey getPrivateKey(String alias) { return keys.getPrivateKey(alias); }
        };
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public String localContact(String user) {
        return "<sip:" + user + "@127.0.0.1:" + socket.getLocalPort() + ";transport=tls>";
    }

    public String register(String user, String domain, String extraHeaders) {
        return "REGISTER sip:" + domain + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bK" + System.nanoTime() + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=t" + cseq + "\r\n"
                + "To: <sip:" + user + "@" + domain + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + (cseq++) + " REGISTER\r\n"
                + extraHeaders
                + "User-Agent: voxgate-test\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    public void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public Response send(String message) throws IOException {
        sendRaw(message);
        return readResponse();
    }

    public Response readResponse() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (head.size() == 0 && (b == '\r' || b == '\n')) {
                continue; // keepalive pongs between messages
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.UTF_8);
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        String[] lines = headers.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                parsed.computeIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(), k -> new ArrayList<>())
                        .add(lines[i].substring(colon + 1).strip());
            }
        }
        int length = Integer.parseInt(parsed.getOrDefault("content-length", List.of("0")).getFirst());
        byte[] body = in.readNBytes(length);
        if (!lines[0].startsWith("SIP/2.0")) {
            return new Response(-1, lines[0], parsed, headers + new String(body, StandardCharsets.UTF_8));
        }
        String[] status = lines[0].split(" ", 3);
        return new Response(Integer.parseInt(status[1]), status.length > 2 ? status[2] : "", parsed,
                headers + new String(body, StandardCharsets.UTF_8));
    }

    /** The next message if one starts within {@code wait}; empty when none does (the socket stays usable). */
    public java.util.Optional<Response> readResponseWithin(java.time.Duration wait) throws IOException {
        socket.setSoTimeout((int) wait.toMillis());
        try {
            return java.util.Optional.of(readResponse());
        } catch (java.net.SocketTimeoutException nothing) {
            return java.util.Optional.empty();
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** Reads raw bytes available within the timeout (for keepalive pongs). */
    public byte[] readBytes(int count) throws IOException {
        return in.readNBytes(count);
    }

    public boolean isClosedByPeer() {
        try {
            socket.setSoTimeout(5_000);
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** The Authorization header answering {@code challenge} (a WWW-Authenticate value) for the given algorithm. */
    public static String authorization(String challenge, String method, String uri, String user, String password, int nc) {
        String realm = param(challenge, "realm");
        String nonce = param(challenge, "nonce");
        String algorithm = param(challenge, "algorithm");
        String jca = "SHA-256".equalsIgnoreCase(algorithm) ? "SHA-256" : "MD5";
        String cnonce = "c" + System.nanoTime();
        String ncHex = String.format("%08x", nc);
        String ha1 = hash(jca, user + ":" + realm + ":" + password);
        String ha2 = hash(jca, method + ":" + uri);
        String response = hash(jca, ha1 + ":" + nonce + ":" + ncHex + ":" + cnonce + ":auth:" + ha2);
        return "Authorization: Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
                + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm
                + ", qop=auth, nc=" + ncHex + ", cnonce=\"" + cnonce + "\"\r\n";
    }

    public static String param(String header, String name) {
        Matcher m = Pattern.compile("(?i)\\b" + name + "=\"?([^\",]+)\"?").matcher(header);
        return m.find() ? m.group(1) : null;
    }

    private static String hash(String algorithm, String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
