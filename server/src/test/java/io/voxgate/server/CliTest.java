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
