package io.voxgate.media.perf;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxgate.media.relay.MediaRelay;
import io.voxgate.media.relay.MediaTap;
import io.voxgate.media.relay.PortPool;
import io.voxgate.media.relay.RelayAnswer;
import io.voxgate.media.relay.RelayOffer;
import io.voxgate.media.relay.RelayResult;
import io.voxgate.media.relay.RelayTransport;
import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import io.voxgate.media.sdp.MediaDescription;
import io.voxgate.media.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Load-bench fixture for the SRTP relay: starts {@link MediaRelay} in this process the way the switch
 * does, sets up N two-leg calls through {@code RelayControl} only (offer with the caller's SDP, answer
 * with the callee's), and writes the sessions CSV the reference harness's generator ({@code gen},
 * shared/bench/rtpengine) reads:
 * {@code call_id,a_suite,a_local,a_remote,a_tx_key,a_rx_key,b_suite,b_local,b_remote,b_tx_key,b_rx_key}.
 * a = the caller (gen binds a_local, sends to a_remote with a_tx_key = the caller's own key, checks
 * what comes back with a_rx_key = the relay's key in its answer to the caller); b = the callee (its
 * key is in its answer; b_rx_key is the relay's key on the offered line the callee chose).
 * Then prints its PID and runs until SIGTERM or stdin closes.
 * <p>
 * Options: --calls N --threads T --port-min P --port-max P --csv PATH [--a-ip 127.0.0.2]
 * [--b-ip 127.0.0.3] [--base-port 10000] [--b-suite AES_CM_128_HMAC_SHA1_32] [--a-suite AES_CM_128_HMAC_SHA1_80]
 */
public final class RelayBench {

    private RelayBench() {
    }

    public static void main(String[] args) throws Exception {
        int calls = 100;
        int threads = 2;
        int portMin = 30000;
        int portMax = 59999;
        String csv = "sessions.csv";
        String aIp = "127.0.0.2";
        String bIp = "127.0.0.3";
        int basePort = 10000;
        // The reference (ngsetup.py) has the callee answer AES_CM_128_HMAC_SHA1_32 by default (so rtpengine re-keys).
        CryptoSuite aSuite = CryptoSuite.AES_CM_128_HMAC_SHA1_80;
        CryptoSuite bSuite = CryptoSuite.AES_CM_128_HMAC_SHA1_32;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--calls" -> calls = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--port-min" -> portMin = Integer.parseInt(v);
                case "--port-max" -> portMax = Integer.parseInt(v);
                case "--csv" -> csv = v;
                case "--a-ip" -> aIp = v;
                case "--b-ip" -> bIp = v;
                case "--base-port" -> basePort = Integer.parseInt(v);
                case "--a-suite" -> aSuite = CryptoSuite.valueOf(v);
                case "--b-suite" -> bSuite = CryptoSuite.valueOf(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (basePort + 2 * calls > 65535 || (basePort + 2 * calls > portMin && basePort < portMax)) {
            throw new IllegalArgumentException("generator ports " + basePort + ".." + (basePort + 2 * calls)
                    + " must stay below 65536 and outside the relay range " + portMin + "-" + portMax);
        }

        long t0 = System.nanoTime();
        RelayTransport transport = new RelayTransport(InetAddress.getLoopbackAddress(), threads);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MediaRelay relay = new MediaRelay(transport, new PortPool(portMin, portMax), "127.0.0.1", Duration.ofSeconds(3600),
                MediaTap.NONE, registry);
        SecureRandom random = new SecureRandom();
        List<String> rows = new ArrayList<>(calls);
        for (int i = 0; i < calls; i++) {
            String callId = "vb" + calls + "-" + i;
            String branch = "z9hG4bK-" + i;
            int port = basePort + 2 * i;

            SdesCrypto callerKey = SdesCrypto.generate(1, aSuite, random);
            byte[] offer = sdp(aIp, port, 1000 + i, callerKey);
            byte[] toCallee = relayed(relay.offer(new RelayOffer("bench", callId, branch, "ft" + i, false, offer)), callId);
            MediaDescription offered = SessionDescription.parse(toCallee).media().get(0);
            final CryptoSuite wanted = bSuite;
            SdesCrypto relayToCallee = offered.cryptoLines().stream().filter(c -> c.suite() == wanted).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + wanted + " line in the relay's offer"));

            SdesCrypto calleeKey = SdesCrypto.generate(relayToCallee.tag(), bSuite, random);
            byte[] answer = sdp(bIp, port, 2000 + i, calleeKey);
            byte[] toCaller = relayed(relay.answer(new RelayAnswer(callId, branch, "tt" + i, true, answer)), callId);
            MediaDescription answered = SessionDescription.parse(toCaller).media().get(0);
            if (answered.cryptoLines().size() != 1) {
                throw new IllegalStateException(callId + ": answer to the caller carries " + answered.cryptoLines().size() + " crypto lines");
            }
            SdesCrypto relayToCaller = answered.cryptoLines().getFirst();
            if (relayToCaller.suite() != aSuite || relayToCaller.sameKeyAs(callerKey) || relayToCaller.sameKeyAs(calleeKey)
                    || relayToCallee.sameKeyAs(callerKey) || relayToCallee.sameKeyAs(calleeKey)) {
                throw new IllegalStateException(callId + ": keys are not four distinct per-leg keys of the expected suites");
            }
            rows.add(String.join(",", callId,
                    aSuite.name(), aIp + ":" + port, "127.0.0.1:" + answered.port(), inline(callerKey), inline(relayToCaller),
                    bSuite.name(), bIp + ":" + port, "127.0.0.1:" + offered.port(), inline(calleeKey), inline(relayToCallee)));
        }
        double setupSeconds = (System.nanoTime() - t0) / 1e9;

        Path out = Path.of(csv).toAbsolutePath();
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII))) {
            w.println("#call_id,a_suite,a_local,a_remote,a_tx_key,a_rx_key,b_suite,b_local,b_remote,b_tx_key,b_rx_key");
            rows.forEach(w::println);
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.printf("PID %d%n", ProcessHandle.current().pid());
        System.out.printf("created %d calls (%s -> %s) in %.2fs, epoll=%s, threads=%d, sessions=%d -> %s%n", calls, aSuite, bSuite,
                setupSeconds, transport.isEpoll(), threads, relay.sessionCount(), out);
        System.out.println("READY");
        System.out.flush();

        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            printMeters(registry);
            done.countDown();
        }, "bench-stop"));
        Thread stdin = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // until EOF
                }
            } catch (IOException ignored) {
                // closed
            }
            System.exit(0);
        }, "bench-stdin");
        stdin.setDaemon(true);
        stdin.start();
        done.await();
    }

    /** The phone's SDP, as ngsetup.py writes it for rtpengine: PCMU, ptime 20, one a=crypto line. */
    private static byte[] sdp(String ip, int port, int sessionId, SdesCrypto key) {
        String text = "v=0\r\no=- " + sessionId + " 1 IN IP4 " + ip + "\r\ns=bench\r\nc=IN IP4 " + ip + "\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=ptime:20\r\na=sendrecv\r\n"
                + "a=crypto:" + key.toAttributeValue() + "\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] relayed(RelayResult result, String callId) {
        if (result instanceof RelayResult.Relayed relayed) {
            return relayed.sdp();
        }
        RelayResult.Refused refused = (RelayResult.Refused) result;
        throw new IllegalStateException(callId + ": refused " + refused.sipStatus() + " " + refused.reason());
    }

    /** The base64 key||salt of an a=crypto line, as the CSV carries it. */
    private static String inline(SdesCrypto key) {
        String value = key.toAttributeValue();
        int at = value.indexOf("inline:") + "inline:".length();
        int end = at;
        while (end < value.length() && value.charAt(end) != '|' && value.charAt(end) != ' ') {
            end++;
        }
        return value.substring(at, end);
    }

    private static void printMeters(SimpleMeterRegistry registry) {
        StringBuilder line = new StringBuilder("relay meters:");
        for (Meter meter : registry.getMeters()) {
            String name = meter.getId().getName();
            if (!name.startsWith("voxgate.media")) {
                continue;
            }
            for (var m : meter.measure()) {
                if (m.getValue() != 0) {
                    line.append(' ').append(name);
                    meter.getId().getTags().forEach(t -> line.append(',').append(t.getKey()).append('=').append(t.getValue()));
                    line.append('=').append((long) m.getValue());
                }
            }
        }
        System.out.println(line);
        System.out.flush();
    }
}
