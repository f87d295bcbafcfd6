package io.voxgate.certs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A second OS process on a PKI directory, as a {@code voxgate certs revoke} beside the running
 * switch: it opens the PKI, prints {@code ready}, waits for a line on stdin, then revokes
 * {@code count} serials from {@code first} up.
 */
final class RevokingProcess {
    private RevokingProcess() {}

    public static void main(String[] arguments) throws IOException {
        SwitchPki pki = SwitchPki.open(Path.of(arguments[0]), TestPkis.PASSWORD);
        long first = Long.parseLong(arguments[1]);
        int count = Integer.parseInt(arguments[2]);
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        for (int i = 0; i < count; i++) {
            pki.revoke(BigInteger.valueOf(first + i), CRLReason.KEY_COMPROMISE);
        }
    }

    /** Starts the process and returns once it has opened the PKI; {@link #go} lets it revoke. */
    static Process startReady(Path pkiDirectory, long first, int count) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RevokingProcess.class.getName(),
                pkiDirectory.toString(), Long.toString(first), Integer.toString(count)));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader output = process.inputReader(StandardCharsets.UTF_8);
            StringBuilder beforeReady = new StringBuilder(); // e.g. SLF4J saying it has no provider
            for (String line = output.readLine(); !"ready".equals(line); line = output.readLine()) {
                if (line == null) {
                    throw new IllegalStateException("the revoking process ended before opening the PKI:\n" + beforeReady);
                }
                beforeReady.append(line).append('\n');
            }
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Everything the process printed after {@code ready}, once it has ended. */
    static String remainingOutput(Process process) {
        return process.inputReader(StandardCharsets.UTF_8).lines().collect(Collectors.joining("\n"));
    }

    static void go(Process process) throws IOException {
        process.getOutputStream().write('\n');
        process.getOutputStream().close();
    }
}
