package io.voxgate.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One real baresip 1.0 softphone (Debian's baresip-core) in its own config directory, registered
 * to the switch over TLS, driven and watched through its ctrl_tcp module: netstrings of JSON
 * carrying commands out and responses and events ({@code REGISTER_OK}, {@code CALL_ESTABLISHED},
 * ...) back.
 */
final class Baresip implements AutoCloseable {

    static final Path EXECUTABLE = Path.of("/usr/bin/baresip");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RTP_PORTS = 10;
    private static final Pattern ANSI_COLOUR = Pattern.compile("\u001b\\[[0-9;]*m");
    private static final Pattern REGISTERED = Pattern.compile("@\\S+\\s+OK\\b"); // "<aor>  OK  <server>"
    private static final Pattern ACTIVE_CALLS = Pattern.compile("Active calls \\((\\d+)\\)");

    private final String name;
    private final Path dir;
    private final Process process;
    private final Socket control;
    private final List<JsonNode> received = new ArrayList<>(); // guarded by itself
    private final AtomicInteger tokens = new AtomicInteger();

    private Baresip(String name, Path dir, Process process, Socket control) {
        this.name = name;
        this.dir = dir;
        this.process = process;
        this.control = control;
        Thread.ofPlatform().daemon().name("baresip-" + name + "-ctrl").start(this::readMessages);
    }

    /**
     * A phone for {@code account} (a baresip accounts line) that sends {@code audioSource} (a WAV
     * file) in its calls and records what it hears under {@link #recordings()}.
     */
    static Baresip start(String name, Path dir, Path caFile, Path audioSource, String account)
            throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("rec"));
        int sipPort = freePorts(2); // baresip listens for TLS on sip_listen's port + 1
        int rtpPorts = freePorts(RTP_PORTS);
        int ctrlPort = freePorts(1);
        Files.writeString(dir.resolve("config"), String.join("\n",
                "module_path\t\t/usr/lib/baresip/modules",
                "module\t\t\tg711.so",
                "module\t\t\taufile.so",
                "module\t\t\tsndfile.so",
                "module\t\t\tsrtp.so",
                "module_app\t\taccount.so",
                "module_app\t\tmenu.so", // the dial, accept and hangup commands
                "module_app\t\tctrl_tcp.so",
                "sip_listen\t\t127.0.0.1:" + sipPort,
                "sip_cafile\t\t" + caFile,
                "net_interface\t\t127.0.0.1", // an address: an interface name is not matched on loopback
                "audio_source\t\taufile," + audioSource,
                "audio_alert\t\taufile," + audioSource,
                "rtp_ports\t\t" + rtpPorts + "-" + (rtpPorts + RTP_PORTS - 1),
                "snd_path\t\t" + dir.resolve("rec"),
                "ctrl_tcp_listen\t\t127.0.0.1:" + ctrlPort,
                ""));
        Files.writeString(dir.resolve("accounts"), account + "\n");
        Process process = new ProcessBuilder(EXECUTABLE.toString(), "-f", dir.toString(), "-s") // -s: SIP trace in the log
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("baresip.log").toFile()).start();
        try {
            return new Baresip(name, dir, process, connect(process, ctrlPort, Duration.ofSeconds(10)));
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /**
     * A softphone for {@code extension} of the switch's demo domain: registers over TLS through
     * {@code runtime}'s listener with {@code password}, SRTP mandatory, sends a {@code toneHz} sine
     * and answers as {@code answerMode} says ({@code auto} or {@code manual}). Its files go under
     * {@code base/baresip-<extension>}.
     */
    static Baresip registeredTo(SwitchRuntime runtime, Path base, String extension, String password, int toneHz,
                                String answerMode) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(base.resolve("baresip-" + extension));
        Path tone = dir.resolve("tone-" + toneHz + ".wav");
        ToneWav.write(tone, toneHz, 8_000, 60);
        // sips: URIs make libre 1.1 fail with ENOSYS; sip: with transport=tls is TLS all the same.
        String account = "<sip:" + extension + "@localhost;transport=tls>;auth_pass=" + password
                + ";outbound=\"sip:127.0.0.1:" + runtime.sipTlsPort() + ";transport=tls\";regint=300"
                + ";mediaenc=srtp-mand;answermode=" + answerMode;
        return start(extension, dir, base.resolve("data/pki/root-ca.pem"), tone, account);
    }

    private static Socket connect(Process process, int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IOException("baresip's ctrl_tcp did not open 127.0.0.1:" + port + " within " + timeout, e);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * The first of {@code count} consecutive loopback ports free for TCP and UDP, below the
     * ephemeral range so that the OS does not hand them to another socket meanwhile, and below
     * the relay's test range ({@link TestSwitch#RELAY_PORT_MIN}).
     */
    private static int freePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = ThreadLocalRandom.current().nextInt(20_000, TestSwitch.RELAY_PORT_MIN - count);
            if (allFree(first, count)) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free loopback ports in 20000-" + TestSwitch.RELAY_PORT_MIN);
    }

    private static boolean allFree(int first, int count) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (int port = first; port < first + count; port++) {
            try {
                new ServerSocket(port, 1, loopback).close();
                new DatagramSocket(new InetSocketAddress(loopback, port)).close();
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Sends {@code command} and waits for its response, which must say ok. */
    JsonNode command(String command, String params, Duration timeout) throws IOException, InterruptedException {
        String token = name + "-" + tokens.incrementAndGet();
        byte[] body = JSON.writeValueAsBytes(Map.of("command", command, "params", params, "token", token));
        OutputStream out = control.getOutputStream();
        synchronized (out) {
            out.write((body.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write(',');
            out.flush();
        }
        JsonNode response = await(m -> m.path("response").asBoolean() && token.equals(m.path("token").asText()), 0, timeout,
                "the response to " + command + " " + params);
        if (!response.path("ok").asBoolean()) {
            throw new AssertionError(name + ": " + command + " " + params + " failed: " + response + "\n" + log());
        }
        return response;
    }

    /** The number of calls the phone has, ringing or established ({@code listcalls}). */
    int activeCalls() throws IOException, InterruptedException {
        Matcher count = ACTIVE_CALLS.matcher(command("listcalls", "", Duration.ofSeconds(10)).path("data").asText());
        return count.find() ? Integer.parseInt(count.group(1)) : 0; // else "--- No active calls ---"
    }

    /**
     * Waits until the account is registered. baresip registers while it loads its modules, before
     * ctrl_tcp listens, so a quick 200 can come and go before we are connected to hear its
     * REGISTER_OK; failing that event, {@code reginfo} says whether the registration holds.
     * Returns what told: the event's account AOR or the {@code reginfo} text, each naming the AOR.
     */
    String awaitRegistered(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration poll = Duration.ofMillis(Math.max(1, Math.min(500, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                return awaitEvent("REGISTER_OK", 0, poll).path("accountaor").asText();
            } catch (AssertionError notYet) {
                String status = ANSI_COLOUR.matcher(command("reginfo", "", Duration.ofSeconds(10)).path("data").asText())
                        .replaceAll("");
                if (REGISTERED.matcher(status).find()) {
                    return status;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + ": not registered within " + timeout + "; reginfo: " + status
                            + "\n--- baresip log ---\n" + log());
                }
            }
        }
    }

    /** How many messages have arrived so far: a mark for {@link #awaitEvent} to look after. */
    int mark() {
        synchronized (received) {
            return received.size();
        }
    }

    /** The first event of {@code type} from message {@code since} on, waiting for it at most {@code timeout}. */
    JsonNode awaitEvent(String type, int since, Duration timeout) throws InterruptedException {
        return await(m -> m.path("event").asBoolean() && type.equals(m.path("type").asText()), since, timeout, "event " + type);
    }

    private JsonNode await(Predicate<JsonNode> wanted, int since, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            for (int next = since; ; ) {
                for (; next < received.size(); next++) {
                    if (wanted.test(received.get(next))) {
                        return received.get(next);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout + "; received " + received
                            + "\n--- baresip log ---\n" + log());
                }
                TimeUnit.NANOSECONDS.timedWait(received, left);
            }
        }
    }

    /** Reads netstrings ("length:json,") from ctrl_tcp until the connection closes. */
    private void readMessages() {
        try (InputStream in = new BufferedInputStream(control.getInputStream())) {
            while (true) {
                int length = 0;
                for (int c = in.read(); c != ':'; c = in.read()) {
                    if (c < '0' || c > '9') {
                        return; // closed (-1) or not a netstring
                    }
                    length = length * 10 + (c - '0');
                }
                JsonNode message = JSON.readTree(in.readNBytes(length));
                in.read(); // the trailing ','
                synchronized (received) {
                    received.add(message);
                    received.notifyAll();
                }
            }
        } catch (IOException e) {
            // the phone went away: close() or a crash, which the awaiting test reports with the log
        }
    }

    /** The WAV files sndfile wrote, decoded audio ({@code -dec.wav}) and encoded ({@code -enc.wav}). */
    Path recordings() {
        return dir.resolve("rec");
    }

    String log() {
        try {
            return Files.readString(dir.resolve("baresip.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGKILL, as a power cut: no BYE, no unregistration, its sockets simply go. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            control.close();
        } catch (IOException e) {
            // closing anyway
        }
        process.destroy(); // SIGTERM: baresip unregisters and exits
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
