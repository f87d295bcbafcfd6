package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
        runtime = TestSwitch.start(TestSwitch.settings(base));
        TestSwitch.addDemoUser(runtime, "3001", "Sipp one", PASSWORD);
        TestSwitch.addDemoUser(runtime, "3002", "Sipp two", PASSWORD);
        TestSwitch.addDemoUser(runtime, "3003", "Sipp callee", PASSWORD);
        TestSwitch.addDemoUser(runtime, "3004", "Sipp ringing callee", PASSWORD);
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

    @Test
    void sippCallsASippCalleeThroughTheProxyWithProxyAuthentication() throws Exception {
        try (SippCallee callee = SippCallee.start("uas_answer.xml", 5)) {
            registerCallee("3003", callee.port());
            Files.writeString(base.resolve("callers.csv"), "SEQUENTIAL\n3001;" + PASSWORD + ";localhost;3003\n");

            SippRun run = sipp("call_auth.xml", "callers.csv", PASSWORD, 5, "-d", "200");

            assertThat(run.exit()).as(() -> run.output() + "\ncallee:\n" + callee.output()).isZero();
            assertThat(run.output()).containsPattern("Successful call\\s+\\|\\s+0\\s+\\|\\s+5");
            assertThat(callee.awaitExit()).as(callee.output()).isZero(); // it saw INVITE, ACK and BYE five times
        }
    }

    @Test
    void sippCancelsARingingCallAndGets487() throws Exception {
        try (SippCallee callee = SippCallee.start("uas_ring_until_cancelled.xml", 3)) {
            registerCallee("3004", callee.port());
            Files.writeString(base.resolve("cancellers.csv"), "SEQUENTIAL\n3002;" + PASSWORD + ";localhost;3004\n");

            SippRun run = sipp("call_cancel.xml", "cancellers.csv", PASSWORD, 3);

            assertThat(run.exit()).as(() -> run.output() + "\ncallee:\n" + callee.output()).isZero();
            assertThat(run.output()).containsPattern("Successful call\\s+\\|\\s+0\\s+\\|\\s+3");
            assertThat(callee.awaitExit()).as(callee.output()).isZero(); // CANCEL answered, 487 ACKed by the proxy
        }
    }

    @Test
    void anInviteWithoutSdpIsRefused488BeforeAnyPhoneIsDialled() throws Exception {
        try (SippCallee callee = SippCallee.start("uas_answer.xml", 1)) { // dialled, it would answer 200
            registerCallee("3004", callee.port());
            Files.writeString(base.resolve("late-offerers.csv"), "SEQUENTIAL\n3002;" + PASSWORD + ";localhost;3004\n");

            SippRun run = sipp("call_late_offer.xml", "late-offerers.csv", PASSWORD, 2);

            assertThat(run.exit()).as(run.output()).isZero(); // the scenario checks the Warning names the late offer
            assertThat(run.output()).containsPattern("Successful call\\s+\\|\\s+0\\s+\\|\\s+2");
        }
    }

    /** Registers {@code user} with a Contact at the sipp callee's listener, from a sipp that then exits (its connection closes). */
    private static void registerCallee(String user, int calleePort) throws Exception {
        Files.writeString(base.resolve("callee-" + user + ".csv"), "SEQUENTIAL\n" + user + ";" + PASSWORD + ";localhost\n");
        SippRun registration = sipp("register_contact.xml", "callee-" + user + ".csv", PASSWORD, 1,
                "-key", "expires", "600", "-key", "contact_hostport", "127.0.0.1:" + calleePort);
        assertThat(registration.exit()).as(registration.output()).isZero();
    }

    /** A sipp UAS listening for SIP over TLS on a free loopback port, for a bounded number of calls. */
    private record SippCallee(Process process, int port, Path log) implements AutoCloseable {

        static SippCallee start(String scenario, int calls) throws IOException {
            int port;
            try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path log = base.resolve("uas-" + port + ".log");
            Process process = new ProcessBuilder(sipp.toString(), "-sf", SCENARIOS.resolve(scenario).toString(), "-t", "l1",
                    "-i", "127.0.0.1", "-p", Integer.toString(port),
                    "-tls_cert", base.resolve("sipp.crt").toString(), "-tls_key", base.resolve("sipp.key").toString(),
                    "-m", Integer.toString(calls), "-timeout", "40s", "-timeout_error", "-nostdin")
                    .directory(base.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listening(port) && process.isAlive() && System.nanoTime() < deadline) {
                sleep();
            }
            return new SippCallee(process, port, log);
        }

        /** From /proc/net/tcp, not by connecting: sipp in server mode ends its run when a probe connection drops. */
        private static boolean listening(int port) {
            String local = String.format(":%04X ", port);
            try {
                return Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                        .anyMatch(line -> line.contains(local) && line.split("\\s+")[4].equals("0A")); // 0A = LISTEN
            } catch (IOException e) {
                return false;
            }
        }

        private static void sleep() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    record SippRun(int exit, String output) {
    }

    /** One bounded sipp run (count and time) against the switch's SIP-over-TLS port on loopback. */
    private static SippRun sipp(String scenario, String password, int calls, String... extra) throws IOException, InterruptedException {
        return sipp(scenario, "users.csv", password, calls, extra);
    }

    private static SippRun sipp(String scenario, String users, String password, int calls, String... extra)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(sipp.toString(), "127.0.0.1:" + runtime.sipTlsPort(), "-t", "l1",
                "-tls_cert", base.resolve("sipp.crt").toString(), "-tls_key", base.resolve("sipp.key").toString(),
                "-sf", SCENARIOS.resolve(scenario).toString(), "-inf", base.resolve(users).toString(),
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
