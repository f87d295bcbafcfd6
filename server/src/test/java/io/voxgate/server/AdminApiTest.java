package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The admin API on a running switch over real HTTPS: an admin created by the CLI logs in with password and TOTP. */
class AdminApiTest {

    private static Path base;
    private static SwitchRuntime runtime;
    private static HttpClient https;
    private static String config;
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        base = TestSwitch.newBaseDir();
        config = TestSwitch.writeConfig(base).toString();
        runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", runtime.pki().rootCaCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        https = HttpClient.newBuilder().sslContext(tls).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        TestSwitch.delete(base);
    }

    @Test
    void anAdminFromTheCliEnrolsTotpLogsInReadsItselfAndLogsOut() throws Exception {
        CliTest.Result created = CliTest.voxgate("-c", config, "admins", "add", "--email", "ops@demo.example", "--role", "tenant-admin",
                "--tenant", "demo");
        assertThat(created.exit()).as(created.err()).isZero();
        String password = created.out().replaceAll("(?s).*\\(shown once\\): (\\S+).*", "$1");

        HttpResponse<String> first = post("/api/v1/auth/login", "{\"email\":\"ops@demo.example\",\"password\":\"" + password + "\"}", null);
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(first.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000; includeSubDomains");
        String enrolment = json.readTree(first.body()).get("enrolmentToken").asText();

        String uri = json.readTree(post("/api/v1/auth/totp/enrol", "{\"enrolmentToken\":\"" + enrolment + "\"}", null).body())
                .get("otpauthUri").asText();
        assertThat(uri).startsWith("otpauth://totp/Voxgate%20localhost:ops%40demo.example?secret=");
        byte[] secret = base32(uri);
        JsonNode tokens = json.readTree(post("/api/v1/auth/totp/confirm",
                "{\"enrolmentToken\":\"" + enrolment + "\",\"code\":\"" + code(secret) + "\"}", null).body());
        String access = tokens.get("accessToken").asText();
        assertThat(tokens.get("tokenType").asText()).isEqualTo("Bearer");

        HttpResponse<String> me = get("/api/v1/me", access);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json.readTree(me.body()).get("role").asText()).isEqualTo("tenant-admin");
        assertThat(get("/api/v1/me", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", access + "x").statusCode()).as("a token altered by one character").isEqualTo(401);

        assertThat(post("/api/v1/auth/logout", "", access).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", access).statusCode()).as("revoked at once, long before it expires").isEqualTo(401);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("admin.account.create")
                .contains("admin.totp.enrol").contains("admin.login").contains("admin.logout").doesNotContain(password);
    }

    @Test
    void aLoginWithoutAFieldIsAProblemNamingIt() throws Exception {
        HttpResponse<String> response = post("/api/v1/auth/login", "{\"email\":\"ops@demo.example\"}", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("field").asText()).isEqualTo("password");
    }

    @Test
    void curlSeesHstsAndOldTlsIsRefused() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "curl is not installed (.ci/run installs it)");
        Path ca = base.resolve("data/pki/root-ca.pem");
        String url = "https://localhost:" + runtime.adminPort() + "/api/v1/me";

        Process ok = new ProcessBuilder("/usr/bin/curl", "-sS", "-i", "--cacert", ca.toString(), url).redirectErrorStream(true).start();
        String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ok.waitFor(15, TimeUnit.SECONDS);
        Process old = new ProcessBuilder("/usr/bin/curl", "-sS", "--tlsv1.1", "--tls-max", "1.1", "--cacert", ca.toString(), url)
                .redirectErrorStream(true).start();
        old.getInputStream().readAllBytes();
        old.waitFor(15, TimeUnit.SECONDS);

        assertThat(out).contains("401").containsIgnoringCase("strict-transport-security: max-age=31536000; includeSubDomains");
        assertThat(old.exitValue()).as("TLS 1.1 handshake refused").isNotZero();
    }

    private static HttpResponse<String> post(String path, String body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** RFC 6238 as an authenticator app computes it, written here independently of the switch's code. */
    private static String code(byte[] secret) throws Exception {
        long step = System.currentTimeMillis() / 1000 / 30;
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
        byte[] h = hmac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        int o = h[19] & 0x0F;
        int value = ((h[o] & 0x7F) << 24) | ((h[o + 1] & 0xFF) << 16) | ((h[o + 2] & 0xFF) << 8) | (h[o + 3] & 0xFF);
        return String.format("%06d", value % 1_000_000);
    }

    private static byte[] base32(String uri) {
        Matcher m = Pattern.compile("secret=([A-Z2-7]+)").matcher(uri);
        assertThat(m.find()).isTrue();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : m.group(1).toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
