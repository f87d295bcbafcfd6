package io.voxgate.sip.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;

/** SIP over plain TCP, for trusted segments only (off unless configured): same framing and layers as TLS. */
class PlainTcpTest {

    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    @Test
    void registerOverPlainTcpIsChallengedLikeOverTls() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", sip.plainTcpPort())) {
            socket.setSoTimeout(10_000);
            String register = "REGISTER sip:pbx.acme.example SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + socket.getLocalPort() + ";branch=z9hG4bKtcp1\r\n"
                    + "Max-Forwards: 70\r\nFrom: <sip:1001@pbx.acme.example>;tag=t\r\nTo: <sip:1001@pbx.acme.example>\r\n"
                    + "Call-ID: tcp-1\r\nCSeq: 1 REGISTER\r\nContact: <sip:1001@127.0.0.1;transport=tcp>\r\nContent-Length: 0\r\n\r\n";
            socket.getOutputStream().write(register.getBytes(StandardCharsets.UTF_8));

            String answer = readHeaders(socket.getInputStream());

            assertThat(answer).startsWith("SIP/2.0 401").contains("WWW-Authenticate: Digest");
        }
    }

    private static String readHeaders(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        while (!text.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            text.append((char) b);
        }
        return text.toString();
    }
}
