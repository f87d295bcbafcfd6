package io.voxgate.sip.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestSipClient;

/** Edge security over real TLS connections. */
class EdgeSecurityTest {

    private static final String ACME = "pbx.acme.example";
    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    @Test
    void scannerGetsNoAnswerAndIsThenRefusedAtConnect() throws Exception {
        try (TestSipClient scanner = sip.client()) {
            scanner.sendRaw(scanner.register("100", ACME, "User-Agent: friendly-scanner\r\nContact: <sip:100@127.0.0.1>\r\n")
                    .replace("User-Agent: voxgate-test\r\n", ""));

            assertThat(scanner.isClosedByPeer()).isTrue();
        }
        assertThatThrownBy(sip::client).isInstanceOf(Exception.class);
    }

    @Test
    void repeatedWrongPasswordsBanTheSource() throws Exception {
        try (TestSipClient attacker = sip.client()) {
            for (int attempt = 0; attempt < 5; attempt++) {
                var challenge = attacker.send(attacker.register("1001", ACME, "Contact: " + attacker.localContact("1001") + "\r\n"));
                var answer = attacker.send(attacker.register("1001", ACME, TestSipClient.authorization(
                        challenge.all("WWW-Authenticate").getFirst(), "REGISTER", "sip:" + ACME, "1001", "guess-" + attempt, 1)
                        + "Contact: " + attacker.localContact("1001") + "\r\n"));
                assertThat(answer.status()).isEqualTo(403);
            }

            attacker.sendRaw(attacker.register("1001", ACME, "Contact: " + attacker.localContact("1001") + "\r\n"));
            assertThat(attacker.isClosedByPeer()).isTrue();
        }
        assertThat(sip.guard().isBanned(InetAddress.getLoopbackAddress())).isTrue();
    }
}
