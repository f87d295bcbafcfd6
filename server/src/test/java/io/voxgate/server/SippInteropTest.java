package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.UserDirectory;

/**
 * Interop with a SIP client nobody here wrote: SIPp 3.7.7 with TLS (built by
 * perf/sipp/build-sipp.sh, which .ci/run runs) registers through the whole switch.
 */
class SippInteropTest {

    private static final String PASSWORD = "interop-password-123";
    private static final Path SCENARIOS = Path.of("../perf/sipp/scenarios").toAbsolutePath().normalize();

    private static Path base;
    private static SwitchRuntime runtime;
    private static Path sipp;

    @BeforeAll
    static void start() throws Exception {
        sipp = Path.of(System.getProperty("user.home"), ".cache/voxgate/sipp-3.7.7/sipp");
        if (System.getenv("VOXGATE_SIPP") != null) {
            sipp = Path.of(System.getenv("VOXGATE_SIPP"));
        }
        if (!Files.isExecutable(sipp)) {
            System.err.println("\n*** SippInteropTest SKIPPED: no TLS-capable sipp at " + sipp
                    + " (run perf/sipp/build-sipp.sh; .ci/run does) ***\n");
        }
        assumeTrue(Files.isExecutable(sipp), "no TLS-capable sipp: run perf/sipp/build-sipp.sh");
        base = TestSwitch.newBaseDir();
        runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        Tenant demo = new TenantDirectory(runtime.configStore().database()).find("demo").orElseThrow();
        UserDirectory users = new UserDirectory(runtime.configStore().database());
        users.add(demo, "3001", "Sipp one", null, PASSWORD);
        users.add(demo, "3002", "Sipp two", null, PASSWORD);
        Files.writeString(base.resolve("users.csv"), "SEQUENTIAL\n3001;" + PASSWORD + ";localhost\n3002;" + PASSWORD + ";localhost\n");
        Process keygen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", base.resolve("sipp.key").toString(), "-out", base.resolve("sipp.crt").toString(),
                "-days", "1", "-subj", "/CN=sipp").redirectErrorStream(true).start();
        keygen.getInputStream().readAllBytes();
        assertThat(keygen.waitFor()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        if (base != null) {
            TestSwitch.delete(base);
        }
    }

    @Test
    void sippRegistersWithDigestOverTls() throws Exception {
        SippRun run = sipp("register_digest.xml", PASSWORD, 20, "-key", "expires", "600");

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("Successful call\\s+\\|\\s+0\\s+\\|\\s+20");
    }

    @Test
    void sippWithAWrongPasswordIsRefusedWith403() throws Exception {
        SippRun run = sipp("wrong_password.xml", "wrong-password-456", 4);

        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("Successful call\\s+\\|\\s+0\\s+\\|\\s+4");
    }

    record SippRun(int exit, String output) {
    }

    /** One bounded sipp run (count and time) against the switch's SIP-over-TLS port on loopback. */
    private static SippRun sipp(String scenario, String password, int calls, String... extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(sipp.toString(), "127.0.0.1:" + runtime.sipTlsPort(), "-t", "l1",
                "-tls_cert", base.resolve("sipp.crt").toString(), "-tls_key", base.resolve("sipp.key").toString(),
                "-sf", SCENARIOS.resolve(scenario).toString(), "-inf", base.resolve("users.csv").toString(),
                "-m", Integer.toString(calls), "-r", "10", "-timeout", "30s", "-timeout_error", "-nostdin",
                "-au", "[field0]", "-ap", password));
        command.addAll(List.of(extra));
        Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new SippRun(process.exitValue(), output);
    }
}
