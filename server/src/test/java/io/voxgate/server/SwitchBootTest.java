package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.User;
import io.voxgate.config.user.UserDirectory;

/** The whole switch booted as `voxgate run` boots it, on random ports, with embedded PostgreSQL and S3. */
class SwitchBootTest {

    private static Path base;
    private static SwitchRuntime runtime;
    private static String console;

    @BeforeAll
    static void boot() throws Exception {
        base = TestSwitch.newBaseDir();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
        console = out.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        TestSwitch.delete(base);
    }

    @Test
    void healthAnswers200OverHttpsVerifiedAgainstTheGeneratedRootCa() throws Exception {
        HttpResponse<String> response = get("/health", trustingRootCa());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"").contains("\"database\":\"UP\"").contains("\"object-store\":\"UP\"");
        assertThat(response.headers().firstValue("strict-transport-security")).isPresent();
    }

    @Test
    void curlVerifiesTheAdminListenerAgainstTheGeneratedRootCa() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(),
                "curl is not installed (.ci/run installs it): skipping the check with a client we did not write");
        Process curl = new ProcessBuilder("curl", "-sS", "--fail", "--cacert", base.resolve("data/pki/root-ca.pem").toString(),
                "--tlsv1.2", adminUri("/health").toString()).redirectErrorStream(true).start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(curl.waitFor()).as(output).isZero();
        assertThat(output).contains("\"status\":\"UP\"");
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> response = get("/metrics", trustingRootCa());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(response.body()).contains("# TYPE jvm_memory_used_bytes gauge");
    }

    @Test
    void runningSwitchSeesAdminChangesThroughTheChangeFeed() throws Exception {
        new TenantDirectory(runtime.configStore().database()).create("feedtest", "Feed test", "feed.example");

        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String metrics = "";
        while (System.nanoTime() < deadline) {
            metrics = get("/metrics", trustingRootCa()).body();
            if (metrics.contains("voxgate_config_changes_total{table=\"sip_domains\"}")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(metrics).contains("voxgate_config_changes_total{table=\"sip_domains\"}");
    }

    @Test
    void clientThatDoesNotTrustTheSwitchCaIsRefusedTheHandshake() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(SSLContext.getDefault()).build();

        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(adminUri("/health")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void tlsOlderThan12IsRefused() throws Exception {
        SSLContext tls11 = trustingRootCa();
        SSLParameters parameters = tls11.getDefaultSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.1"});
        HttpClient client = HttpClient.newBuilder().sslContext(tls11).sslParameters(parameters).build();

        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(adminUri("/health")).build(),
                HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void firstStartCreatesTheDemoTenantWithTwoExtensionsAndPrintsTheirPasswordsOnce() {
        var tenants = new TenantDirectory(runtime.configStore().database());
        var demo = tenants.find("demo").orElseThrow();

        assertThat(new UserDirectory(runtime.configStore().database()).list(demo))
                .extracting(User::extension).containsExactly("1001", "1002");
        assertThat(console).contains("sip:1001@localhost  password ").contains("sip:1002@localhost  password ");
    }

    @Test
    void demoPasswordsPrintedAreTheOnesThatWereHashed() {
        var demo = new TenantDirectory(runtime.configStore().database()).find("demo").orElseThrow();
        String password = console.lines().filter(l -> l.contains("sip:1001@")).findFirst().orElseThrow()
                .replaceAll(".*password ", "").strip();

        var credential = new UserDirectory(runtime.configStore().database()).credential(demo, "1001").orElseThrow();
        assertThat(credential.hashes()).isEqualTo(io.voxgate.config.user.DigestHashes.of("1001", "localhost", password));
    }

    @Test
    void demoPhoneRegistersOverTlsWithThePrintedPassword() throws Exception {
        String password = console.lines().filter(l -> l.contains("sip:1001@")).findFirst().orElseThrow()
                .replaceAll(".*password ", "").strip();
        try (io.voxgate.sip.TestSipClient phone = new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(),
                base.resolve("data/pki/root-ca.pem"))) {
            String contact = "Contact: " + phone.localContact("1001") + "\r\nExpires: 600\r\n";
            var challenge = phone.send(phone.register("1001", "localhost", contact));
            var ok = phone.send(phone.register("1001", "localhost", io.voxgate.sip.TestSipClient.authorization(
                    challenge.all("WWW-Authenticate").getFirst(), "REGISTER", "sip:localhost", "1001", password, 1) + contact));

            assertThat(challenge.status()).isEqualTo(401);
            assertThat(ok.status()).isEqualTo(200);
        }
        assertThat(get("/metrics", trustingRootCa()).body()).contains("voxgate_sip_registrations_total")
                .contains("voxgate_sip_responses_total{class=\"4xx\"}").contains("voxgate_sip_connections");
    }

    @Test
    void pkiIsCreatedWithPrivateKeysOwnerOnly() throws Exception {
        Path pki = base.resolve("data/pki");

        assertThat(pki.resolve("root-ca.pem")).exists();
        assertThat(Files.getPosixFilePermissions(pki.resolve("server.p12")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    private static HttpResponse<String> get(String path, SSLContext ssl) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ssl).build();
        return client.send(HttpRequest.newBuilder(adminUri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI adminUri(String path) {
        return URI.create("https://localhost:" + runtime.adminPort() + path);
    }

    static SSLContext trustingRootCa() {
        return io.voxgate.certs.TlsPolicy.clientTrusting(base.resolve("data/pki/root-ca.pem"));
    }
}
