package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.net.URI;
import java.security.KeyStore;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator CLI, driven exactly as `voxgate ...` runs it. */
class CliTest {

    record Result(int exit, String out, String err) {
    }

    static Result voxgate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Voxgate.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void invalidSettingStopsTheCommandWithExit2NamingTheKey() throws Exception {
        Path base = TestSwitch.newBaseDir();
        try {
            Path config = base.resolve("voxgate.yml");
            Files.writeString(config, "admin:\n  https-prot: 8443\n");

            Result result = voxgate("-c", config.toString(), "run");

            assertThat(result.exit()).isEqualTo(2);
            assertThat(result.err()).contains("admin.https-prot: unknown key").contains("https-port");
        } finally {
            TestSwitch.delete(base);
        }
    }

    @Test
    void tenantCommandsWorkWithoutARunningSwitchAndStopTheirOwnDatabase() throws Exception {
        Path base = TestSwitch.newBaseDir();
        try {
            String config = TestSwitch.writeConfig(base).toString();

            assertThat(voxgate("-c", config, "tenants", "add", "--slug", "acme", "--name", "Acme", "--domain", "pbx.acme.example").exit())
                    .isZero();
            Result list = voxgate("-c", config, "tenants", "list");

            assertThat(list.out()).contains("acme").contains("pbx.acme.example");
            assertThat(Files.exists(base.resolve("data/postgres/data/postmaster.pid"))).as("database stopped again").isFalse();
        } finally {
            TestSwitch.delete(base);
        }
    }

    /** With the switch running, commands join its embedded PostgreSQL instead of starting one. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class WithARunningSwitch {

        private Path base;
        private String config;
        private SwitchRuntime runtime;

        @BeforeAll
        void start() throws Exception {
            base = TestSwitch.newBaseDir();
            config = TestSwitch.writeConfig(base).toString();
            runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        }

        @AfterAll
        void stop() throws Exception {
            runtime.close();
            TestSwitch.delete(base);
        }

        @Test
        void usersAddGeneratesAPasswordShownOnceAndListShowsTheUser() {
            voxgate("-c", config, "tenants", "add", "--slug", "globex", "--name", "Globex", "--domain", "globex.example");

            Result added = voxgate("-c", config, "users", "add", "--tenant", "globex", "--extension", "2001", "--name", "Alice");
            Result list = voxgate("-c", config, "users", "list", "--tenant", "globex");

            assertThat(added.exit()).isZero();
            assertThat(added.out()).contains("sip:2001@globex.example").containsPattern("SIP password \\(shown once\\): \\S{20}");
            assertThat(list.out()).contains("2001").contains("Alice");
        }

        @Test
        void duplicateExtensionIsAClearErrorWithExit1() {
            voxgate("-c", config, "tenants", "add", "--slug", "initech", "--name", "Initech", "--domain", "initech.example");
            voxgate("-c", config, "users", "add", "--tenant", "initech", "--extension", "3001", "--name", "Peter");

            Result again = voxgate("-c", config, "users", "add", "--tenant", "initech", "--extension", "3001", "--name", "Milton");

            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("extension 3001 exists already in tenant initech");
        }

        @Test
        void unknownTenantIsNamed() {
            Result result = voxgate("-c", config, "users", "list", "--tenant", "nosuch");

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).contains("no tenant 'nosuch'");
        }

        @Test
        void issueDeviceWritesAnOwnerOnlyPkcs12OpenedByThePrintedPassword() throws Exception {
            Path p12 = base.resolve("phone.p12");

            Result result = voxgate("-c", config, "certs", "issue-device", "--mac", "00:15:65:AB:CD:EF", "--out", p12.toString());

            assertThat(result.exit()).as(result.err()).isZero();
            String password = result.out().replaceAll("(?s).*PKCS#12 password \\(shown once\\): (\\S+).*", "$1");
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (FileInputStream in = new FileInputStream(p12.toFile())) {
                keyStore.load(in, password.toCharArray());
            }
            assertThat(keyStore.size()).isEqualTo(1);
            assertThat(Files.getPosixFilePermissions(p12)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }

        @Test
        void revokedDeviceAppearsInTheCrl() {
            voxgate("-c", config, "certs", "issue-device", "--mac", "0015.65aa.0001", "--out", base.resolve("r.p12").toString());
            BigInteger serial = runtime.pki().deviceCertificate(io.voxgate.certs.MacAddress.parse("001565aa0001"))
                    .orElseThrow().getSerialNumber();

            Result result = voxgate("-c", config, "certs", "revoke", "--mac", "001565aa0001", "--reason", "key_compromise");

            assertThat(result.exit()).as(result.err()).isZero();
            assertThat(io.voxgate.certs.SwitchPki.open(base.resolve("data/pki"), keystorePassword()).currentCrl()
                    .getRevokedCertificate(serial)).isNotNull();
        }

        @Test
        void devicesAndTheTenantsClientCertificatePolicyAreSetFromTheCli() {
            voxgate("-c", config, "tenants", "add", "--slug", "hooli", "--name", "Hooli", "--domain", "hooli.example");
            voxgate("-c", config, "users", "add", "--tenant", "hooli", "--extension", "5001", "--name", "Gavin");

            Result added = voxgate("-c", config, "devices", "add", "--tenant", "hooli", "--mac", "00:15:65:AB:00:01",
                    "--vendor", "yealink", "--model", "T54W", "--owner", "5001");
            Result policy = voxgate("-c", config, "tenants", "set-client-certificates", "--slug", "hooli", "--policy", "required");
            Result bad = voxgate("-c", config, "tenants", "set-client-certificates", "--slug", "hooli", "--policy", "always");

            assertThat(added.out()).contains("device 001565ab0001 added to hooli, owned by 5001");
            assertThat(voxgate("-c", config, "devices", "list", "--tenant", "hooli").out()).contains("001565ab0001").contains("5001");
            assertThat(policy.exit()).isZero();
            assertThat(voxgate("-c", config, "tenants", "list").out()).containsPattern("hooli\\s+hooli.example\\s+active\\s+required");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("expected none, optional or required");
        }

        @Test
        void aSoftphoneEnrolsWithACodeFromTheCliFetchesItsFileAndIsStoppedByRevocation() throws Exception {
            Result code = voxgate("-c", config, "devices", "activation-code", "--tenant", "demo", "--owner", "1001",
                    "--valid-minutes", "30");
            assertThat(code.exit()).as(code.err()).isZero();
            String activation = code.out().replaceAll("(?s).*\\n\\s+(\\S{4}-\\S{4}-\\S{4}-\\S{4})\\s*$", "$1");
            assertThat(activation).matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){3}");

            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair keys = generator.generateKeyPair();
            var csr = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
                    new org.bouncycastle.asn1.x500.X500Name("CN=softphone"), keys.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
            String csrPem = "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder().encodeToString(csr.getEncoded())
                    + "\n-----END CERTIFICATE REQUEST-----\n";
            var enrolled = https(null, null).send(java.net.http.HttpRequest.newBuilder(
                            URI.create("https://localhost:" + runtime.enrolmentPort() + "/enrol"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"code\":\"" + activation + "\",\"csr\":" + new com.fasterxml.jackson.databind.ObjectMapper()
                                    .writeValueAsString(csrPem) + "}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
            var answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(enrolled.body());
            String mac = answer.get("mac").asText();
            java.security.cert.X509Certificate certificate = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                    .getInstance("X.509").generateCertificate(new java.io.ByteArrayInputStream(answer.get("certificate").asText().getBytes()));

            URI file = URI.create("https://localhost:" + runtime.provisioningPort() + "/" + mac + ".json");
            var phone = https(keys.getPrivate(), certificate);
            var fetched = phone.send(java.net.http.HttpRequest.newBuilder(file).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
            assertThat(fetched.body()).contains("\"1001\"").contains("sips:localhost:" + runtime.sipTlsPort());

            Result revoked = voxgate("-c", config, "devices", "revoke", "--tenant", "demo", "--mac", mac, "--reason", "key_compromise");
            assertThat(revoked.exit()).as(revoked.err()).isZero();
            assertThat(voxgate("-c", config, "devices", "list", "--tenant", "demo").out()).containsPattern(mac + "\\s+softphone.*revoked");
            var fresh = https(keys.getPrivate(), certificate); // a new connection: a new handshake, the new CRL
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fresh.send(java.net.http.HttpRequest.newBuilder(file).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
            assertThat(voxgate("-c", config, "devices", "revoke", "--tenant", "demo", "--mac", "02:00:00:00:00:01").err())
                    .contains("no device 020000000001");
            assertThat(voxgate("-c", config, "devices", "add", "--tenant", "demo", "--mac", "00:15:65:00:00:99", "--vendor", "nokia")
                    .err()).contains("unknown phone vendor 'nokia'");
            Result audit = voxgate("-c", config, "audit", "list", "--tenant", "demo");
            assertThat(audit.out()).contains("enrolment.code.create").contains("enrolment.redeem").contains("provisioning.download")
                    .contains("device.revoke").doesNotContain(activation);
            assertThat(voxgate("-c", config, "audit", "verify", "--tenant", "demo").out()).contains("chain intact");
            assertThat(voxgate("-c", config, "audit", "verify").exit()).as("the control log").isZero();
        }

        /** An HTTPS client trusting the switch's root CA, presenting {@code certificate} when given. */
        private java.net.http.HttpClient https(java.security.PrivateKey key, java.security.cert.X509Certificate certificate)
                throws Exception {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("root", runtime.pki().rootCaCertificate());
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            if (key != null) {
                identity.setKeyEntry("phone", key, "x".toCharArray(), new java.security.cert.Certificate[] {certificate,
                        runtime.pki().deviceCaCertificate()});
            }
            var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, "x".toCharArray());
            var tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return java.net.http.HttpClient.newBuilder().sslContext(tls).build();
        }

        @Test
        void theTenantsPlainRtpPolicyIsRefusedByDefaultAndSetFromTheCli() {
            voxgate("-c", config, "tenants", "add", "--slug", "initech", "--name", "Initech", "--domain", "initech.example");
            assertThat(voxgate("-c", config, "tenants", "list").out()).containsPattern("initech\\s+initech.example\\s+active\\s+optional\\s+refuse");

            Result allow = voxgate("-c", config, "tenants", "set-plain-rtp", "--slug", "initech", "--policy", "allow");
            Result bad = voxgate("-c", config, "tenants", "set-plain-rtp", "--slug", "initech", "--policy", "sometimes");
            Result unknown = voxgate("-c", config, "tenants", "set-plain-rtp", "--slug", "nobody", "--policy", "allow");

            assertThat(allow.exit()).isZero();
            assertThat(voxgate("-c", config, "tenants", "list").out()).containsPattern("initech\\s+initech.example\\s+active\\s+optional\\s+allow");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("expected refuse or allow");
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("no tenant 'nobody'");
        }

        @Test
        void renewingTheDeviceCaKeepsItsKeySoIssuedPhonesStillChain() throws Exception {
            var before = runtime.pki().deviceCaCertificate();
            voxgate("-c", config, "certs", "issue-device", "--mac", "00:15:65:ee:00:01", "--out", base.resolve("e.p12").toString());

            Result renewed = voxgate("-c", config, "certs", "renew-device-ca");

            assertThat(renewed.exit()).as(renewed.err()).isZero();
            assertThat(renewed.out()).contains("device CA renewed");
            var after = io.voxgate.certs.SwitchPki.open(base.resolve("data/pki"), keystorePassword()).deviceCaCertificate();
            assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber());
            assertThat(after.getPublicKey()).isEqualTo(before.getPublicKey());
            runtime.pki().deviceCertificate(io.voxgate.certs.MacAddress.parse("001565ee0001")).orElseThrow().verify(after.getPublicKey());
        }

        @Test
        void certsInitRefusesToOverwriteAnExistingPki() {
            Result result = voxgate("-c", config, "certs", "init");

            assertThat(result.exit()).isEqualTo(1);
            assertThat(result.err()).contains("exists already").contains("nothing was changed");
        }

        private char[] keystorePassword() {
            try {
                return Files.readString(base.resolve("data/secrets/pki-keystore.password")).strip().toCharArray();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
