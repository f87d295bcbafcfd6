package io.voxgate.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.config.db.Sql;
import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestPhone;
import io.voxgate.sip.TestSipClient;
import io.voxgate.sip.TestSipClient.Response;
import io.voxgate.sip.location.AddressOfRecord;

/** The registrar over real TLS and a real database, driven by a client that computes digests on its own. */
class RegistrarTest {

    private static final String ACME = "pbx.acme.example";
    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    @Test
    void registerWithoutCredentialsIsChallengedWithSha256ThenMd5() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response response = phone.send(phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n"));

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.all("WWW-Authenticate")).hasSize(2);
            assertThat(response.all("WWW-Authenticate").get(0)).contains("algorithm=SHA-256").contains("realm=\"" + ACME + "\"").contains("qop=\"auth\"");
            assertThat(response.all("WWW-Authenticate").get(1)).contains("algorithm=MD5");
        }
    }

    @Test
    void md5CredentialsRegisterTheContactOnThisFlow() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response ok = register(phone, "1001", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 3600);

            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("Contact")).contains("127.0.0.1").contains("expires=3600");
            assertThat(sip.location().lookup(new AddressOfRecord("acme", "1001"))).isNotEmpty();
        }
    }

    @Test
    void sha256CredentialsRegisterToo() throws Exception {
        try (TestSipClient phone = sip.client()) {
            assertThat(register(phone, "1002", ACME, RunningSipSwitchAccess.PASSWORD, 0, "SHA-256", 600).status()).isEqualTo(200);
        }
    }

    @Test
    void wrongPasswordIsForbidden() throws Exception {
        try (TestSipClient phone = sip.client()) {
            assertThat(register(phone, "1001", ACME, "not-the-password", 1, "MD5", 3600).status()).isEqualTo(403);
        }
    }

    @Test
    void unknownUserGetsTheSameChallengeAndTheSameRefusalAsAKnownOne() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response knownChallenge = phone.send(phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n"));
            Response unknownChallenge = phone.send(phone.register("9999", ACME, "Contact: " + phone.localContact("9999") + "\r\n"));
            Response unknownAnswer = register(phone, "9999", ACME, "whatever-password", 1, "MD5", 3600);
            Response knownWrong = register(phone, "1001", ACME, "whatever-password", 1, "MD5", 3600);

            assertThat(unknownChallenge.status()).isEqualTo(knownChallenge.status());
            assertThat(unknownChallenge.all("WWW-Authenticate").stream().map(h -> h.replaceAll("nonce=\"[^\"]+\"", "")).toList())
                    .isEqualTo(knownChallenge.all("WWW-Authenticate").stream().map(h -> h.replaceAll("nonce=\"[^\"]+\"", "")).toList());
            assertThat(unknownAnswer.status()).isEqualTo(403).isEqualTo(knownWrong.status());
            assertThat(unknownAnswer.reason()).isEqualTo(knownWrong.reason());
        }
    }

    @Test
    void unknownDomainIsChallengedLikeAKnownOneThenRefused() throws Exception {
        try (TestSipClient phone = sip.client()) {
            assertThat(phone.send(phone.register("1001", "unknown.example", "Contact: " + phone.localContact("1001") + "\r\n")).status())
                    .isEqualTo(401);
            assertThat(register(phone, "1001", "unknown.example", RunningSipSwitchAccess.PASSWORD, 1, "MD5", 3600).status())
                    .isEqualTo(403);
        }
    }

    @Test
    void userOfOneTenantCannotRegisterInAnotherTenantsDomain() throws Exception {
        try (TestSipClient phone = sip.client()) {
            assertThat(register(phone, "2001", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 3600).status()).isEqualTo(403);
        }
    }

    @Test
    void replayedAuthorizationIsChallengedAgain() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response challenge = phone.send(phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n"));
            String authorization = TestSipClient.authorization(challenge.all("WWW-Authenticate").get(1), "REGISTER",
                    "sip:" + ACME, "1001", RunningSipSwitchAccess.PASSWORD, 1);
            String headers = authorization + "Contact: " + phone.localContact("1001") + "\r\nExpires: 600\r\n";

            Response first = phone.send(phone.register("1001", ACME, headers));
            Response replay = phone.send(phone.register("1001", ACME, headers));

            assertThat(first.status()).isEqualTo(200);
            assertThat(replay.status()).isEqualTo(401);
        }
    }

    @Test
    void expiredNonceIsAnsweredWithAStaleChallenge() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response challenge = phone.send(phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n"));
            sip.advanceClock(Duration.ofMinutes(6));
            String authorization = TestSipClient.authorization(challenge.all("WWW-Authenticate").get(1), "REGISTER",
                    "sip:" + ACME, "1001", RunningSipSwitchAccess.PASSWORD, 1);

            Response stale = phone.send(phone.register("1001", ACME, authorization + "Contact: " + phone.localContact("1001") + "\r\n"));

            assertThat(stale.status()).isEqualTo(401);
            assertThat(stale.header("WWW-Authenticate")).containsIgnoringCase("stale=true");
        }
    }

    @Test
    void expiresBelowTheMinimumGets423WithMinExpires() throws Exception {
        try (TestSipClient phone = sip.client()) {
            Response response = register(phone, "1001", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 10);

            assertThat(response.status()).isEqualTo(423);
            assertThat(response.header("Min-Expires")).isEqualTo("60");
        }
    }

    @Test
    void expiresZeroRemovesTheContactAndStarRemovesAll() throws Exception {
        try (TestSipClient phone = sip.client()) {
            assertThat(register(phone, "1002", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 600).status()).isEqualTo(200);
            assertThat(register(phone, "1002", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 0).status()).isEqualTo(200);
            assertThat(sip.location().lookup(new AddressOfRecord("acme", "1002"))).isEmpty();

            register(phone, "1002", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 600);
            Response challenge = phone.send(phone.register("1002", ACME, "Contact: *\r\nExpires: 0\r\n"));
            Response removed = phone.send(phone.register("1002", ACME, TestSipClient.authorization(challenge.all("WWW-Authenticate").get(1),
                    "REGISTER", "sip:" + ACME, "1002", RunningSipSwitchAccess.PASSWORD, 1) + "Contact: *\r\nExpires: 0\r\n"));

            assertThat(removed.status()).isEqualTo(200);
            assertThat(sip.location().lookup(new AddressOfRecord("acme", "1002"))).isEmpty();
        }
    }

    @Test
    void outboundBindingsOfAClosedConnectionStopBeingUsed() throws Exception {
        AddressOfRecord bob = new AddressOfRecord("acme", "1002");
        try (TestPhone phone = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            Response ok = phone.register(phone.contact() + ";+sip.instance=\"<urn:uuid:00000000-0000-0000-0000-0000000000b0>\";reg-id=1");
            assertThat(ok.header("Require")).isEqualTo("outbound");
            assertThat(sip.location().lookup(bob)).isNotEmpty();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sip.location().lookup(bob).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sip.location().lookup(bob)).isEmpty(); // RFC 5626 §5.3
    }

    @Test
    void aPlainBindingOutlivesItsConnectionUntilItExpires() throws Exception {
        AddressOfRecord bob = new AddressOfRecord("acme", "1002");
        int before = sip.flows().size();
        try (TestPhone phone = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            assertThat(phone.register("<sip:1002@127.0.0.1:5062;transport=tls>").status()).isEqualTo(200); // where a desk phone listens
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sip.flows().size() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sip.location().lookup(bob)).hasSize(1); // the proxy may still dial its contact

        sip.advanceClock(Duration.ofSeconds(601));
        assertThat(sip.location().lookup(bob)).isEmpty();
    }

    @Test
    void aBindingWhoseContactIsItsOwnConnectionGoesWithIt() throws Exception {
        AddressOfRecord bob = new AddressOfRecord("acme", "1002");
        try (TestSipClient phone = sip.client()) {
            register(phone, "1002", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 600); // Contact: its own source port
            assertThat(sip.location().lookup(bob)).hasSize(1);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!sip.location().lookup(bob).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sip.location().lookup(bob)).isEmpty(); // nothing listens at a client's ephemeral port
    }

    @Test
    void bindingsAreWrittenToPostgres() throws Exception {
        try (TestSipClient phone = sip.client()) {
            register(phone, "1001", ACME, RunningSipSwitchAccess.PASSWORD, 1, "MD5", 900);
            sip.flushBindings();

            List<String> stored = sip.database().inTenant(io.voxgate.config.tenant.TenantSchema.of("acme"),
                    c -> Sql.list(c, "SELECT contact FROM registrations WHERE aor_user = '1001'", row -> row.getString(1)));
            assertThat(stored).anyMatch(contact -> contact.contains("127.0.0.1"));
        }
    }

    @Test
    void keepalivePingIsAnsweredWithAPong() throws Exception {
        try (TestSipClient phone = sip.client()) {
            phone.sendRaw("\r\n\r\n");

            assertThat(phone.readBytes(2)).containsExactly('\r', '\n');
        }
    }

    @Test
    void malformedRequestGets400AndTheConnectionKeepsServing() throws Exception {
        try (TestSipClient phone = sip.client()) {
            String bad = phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n")
                    .replaceFirst("CSeq: (\\d+) REGISTER", "CSeq: $1 INVITE");

            assertThat(phone.send(bad).status()).isEqualTo(400);
            assertThat(phone.send(phone.register("1001", ACME, "Contact: " + phone.localContact("1001") + "\r\n")).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void publishIsNotServedAndGets405WithAllow() throws Exception {
        try (TestSipClient phone = sip.client()) {
            String publish = phone.register("1001", ACME, "").replace("REGISTER sip:", "PUBLISH sip:1002@").replace(" REGISTER", " PUBLISH");

            Response response = phone.send(publish);

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Allow")).contains("REGISTER");
        }
    }

    private static Response register(TestSipClient phone, String user, String domain, String password, int algorithmIndex,
                                     String algorithm, int expires) throws Exception {
        String contact = "Contact: " + phone.localContact(user) + "\r\nExpires: " + expires + "\r\n";
        Response challenge = phone.send(phone.register(user, domain, contact));
        String header = challenge.all("WWW-Authenticate").stream().filter(h -> h.contains("algorithm=" + algorithm)).findFirst().orElseThrow();
        return phone.send(phone.register(user, domain,
                TestSipClient.authorization(header, "REGISTER", "sip:" + domain, user, password, 1) + contact));
    }
}
