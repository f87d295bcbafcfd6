package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.tenant.TenantDirectory;

class SwitchLifecycleTest {

    private Path base;

    @BeforeEach
    void dataDir() throws IOException {
        base = TestSwitch.newBaseDir();
    }

    @AfterEach
    void cleanUp() throws IOException {
        TestSwitch.delete(base);
    }

    @Test
    void secondStartReusesThePkiAndTheDataAndCreatesNoSecondDemo() throws Exception {
        String fingerprint;
        try (SwitchRuntime first = SwitchRuntime.start(TestSwitch.settings(base), Map.of(), quietConsole())) {
            fingerprint = first.pki().rootCaFingerprint();
            new TenantDirectory(first.configStore().database()).create("acme", "Acme", "pbx.acme.example");
        }

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (SwitchRuntime second = SwitchRuntime.start(TestSwitch.settings(base), Map.of(),
                new PrintStream(console, true, StandardCharsets.UTF_8))) {
            assertThat(second.pki().rootCaFingerprint()).isEqualTo(fingerprint);
            assertThat(new TenantDirectory(second.configStore().database()).list())
                    .extracting(t -> t.slug()).containsExactly("acme", "demo");
            assertThat(console.toString(StandardCharsets.UTF_8)).doesNotContain("password");
        }
    }

    @Test
    void takenSipPortStopsTheStartNamingTheSettingAndLeavesNothingRunning() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var settings = new io.voxgate.server.settings.SettingsLoader().loadText("voxgate.yml",
                    TestSwitch.yaml(base).replace("tls-port: 0", "tls-port: " + taken.getLocalPort()));

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SwitchRuntime.start(settings, Map.of(), quietConsole()))
                    .isInstanceOf(io.voxgate.server.settings.SettingsException.class)
                    .hasMessageContaining("sip.tls-port: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("Address already in use");
        }
        assertThat(processesMentioning(base.toString())).isEmpty();
    }

    @Test
    void closingStopsTheEmbeddedServersAndFreesTheListeners() throws Exception {
        long postgresPid;
        int adminPort;
        int s3Port;
        try (SwitchRuntime runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(), quietConsole())) {
            postgresPid = runtime.configStore().embedded().orElseThrow().serverPid().orElseThrow();
            adminPort = runtime.adminPort();
            s3Port = runtime.objectStore().endpoint().endpoint().getPort();
        }

        assertThat(ProcessHandle.of(postgresPid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(acceptsConnections(adminPort)).isFalse();
        assertThat(acceptsConnections(s3Port)).isFalse();
    }

    @Test
    void sigtermDuringTheFirstStartStopsWhatHadStartedAndLeavesNoProcessBehind() throws Exception {
        Path log = base.resolve("launcher.log");
        Process launcher = launch(log);
        try {
            awaitLogLine(log, "embedded PostgreSQL 18.6.0 listening", Duration.ofSeconds(120), launcher);
            long postgresPid = Long.parseLong(Files.readAllLines(base.resolve("data/postgres/data/postmaster.pid")).getFirst().trim());

            launcher.destroy(); // SIGTERM while S3 and the admin listener are still starting

            assertThat(launcher.waitFor(150, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();
            assertThat(ProcessHandle.of(postgresPid).filter(ProcessHandle::isAlive)).as("embedded PostgreSQL").isEmpty();
            assertThat(processesMentioning(base.toString())).isEmpty();
        } finally {
            launcher.destroyForcibly();
        }
    }

    private Process launch(Path log) throws IOException {
        Path config = TestSwitch.writeConfig(base);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Voxgate.class.getName(), "-c", config.toString(), "run"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void sigtermToTheLauncherProcessLeavesNoProcessBehind() throws Exception {
        Path log = base.resolve("launcher.log");
        Process launcher = launch(log);
        try {
            awaitLogLine(log, "Voxgate started", Duration.ofSeconds(120), launcher);
            long postgresPid = Long.parseLong(Files.readAllLines(base.resolve("data/postgres/data/postmaster.pid")).getFirst().trim());

            launcher.destroy(); // SIGTERM

            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).as("launcher exits after SIGTERM").isTrue();
            assertThat(ProcessHandle.of(postgresPid).filter(ProcessHandle::isAlive)).as("embedded PostgreSQL").isEmpty();
            assertThat(processesMentioning(base.toString())).isEmpty();
            assertThat(Files.readString(log)).contains("embedded PostgreSQL stopped").contains("embedded S3 store stopped");
        } finally {
            launcher.destroyForcibly();
        }
    }

    private static List<ProcessHandle> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(text)).orElse(false))
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .toList();
    }

    private static void awaitLogLine(Path log, String line, Duration timeout, Process process) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(line)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("launcher exited early:\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' within " + timeout + ":\n" + Files.readString(log));
    }

    private static boolean acceptsConnections(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static PrintStream quietConsole() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

}
