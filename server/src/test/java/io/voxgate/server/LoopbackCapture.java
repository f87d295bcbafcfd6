package io.voxgate.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real packet capture on the loopback interface with tshark (Debian's tshark; .ci/run installs
 * it), for tests that must show what actually crossed the wire.
 */
final class LoopbackCapture implements AutoCloseable {

    static final Path TSHARK = Path.of("/usr/bin/tshark");

    /** One captured UDP datagram. */
    record Datagram(int sourcePort, int destinationPort, byte[] payload) {
    }

    private final Path file;
    private final Path log;
    private final Process tshark;

    private LoopbackCapture(Path file, Path log, Process tshark) {
        this.file = file;
        this.log = log;
        this.tshark = tshark;
    }

    /** Starts capturing what matches the BPF {@code filter}; returns once tshark says the capture runs. */
    static LoopbackCapture start(Path dir, String filter) throws IOException, InterruptedException {
        Path file = dir.resolve("capture.pcapng");
        Path log = dir.resolve("tshark.log");
        Process tshark = new ProcessBuilder(TSHARK.toString(), "-i", "lo", "-f", filter, "-w", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(log) || !Files.readString(log).contains("Capturing on")) {
            if (!tshark.isAlive() || System.nanoTime() > deadline) {
                tshark.destroyForcibly();
                throw new IOException("tshark did not start capturing: " + (Files.exists(log) ? Files.readString(log) : ""));
            }
            Thread.sleep(50);
        }
        Thread.sleep(300); // "Capturing on" comes just before the socket is live
        return new LoopbackCapture(file, log, tshark);
    }

    /** Stops the capture and reads back every UDP datagram in it. */
    List<Datagram> stop() throws IOException, InterruptedException {
        close();
        Process read = new ProcessBuilder(TSHARK.toString(), "-r", file.toString(), "-T", "fields",
                "-e", "udp.srcport", "-e", "udp.dstport", "-e", "udp.payload").redirectErrorStream(false).start();
        List<Datagram> datagrams = new ArrayList<>();
        for (String line : new String(read.getInputStream().readAllBytes()).split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 3 && !fields[2].isEmpty()) {
                datagrams.add(new Datagram(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
                        HexFormat.of().parseHex(fields[2].replace(":", ""))));
            }
        }
        read.waitFor(30, TimeUnit.SECONDS);
        return datagrams;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        if (tshark.isAlive()) {
            tshark.destroy(); // SIGTERM: tshark finishes the file and exits
            if (!tshark.waitFor(10, TimeUnit.SECONDS)) {
                tshark.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
