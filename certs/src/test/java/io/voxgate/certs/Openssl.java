package io.voxgate.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code openssl} binary, the reference most phones' TLS stacks derive from. */
final class Openssl {
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private Openssl() {}

    /** {@code openssl verify -x509_strict} of a stored device certificate for TLS client use, through the device CA. */
    static Result verifyDeviceForClientUse(SwitchPki pki, Path deviceCertificate) {
        return run("verify", "-x509_strict", "-purpose", "sslclient",
                "-CAfile", pki.directory().resolve("root-ca.pem").toString(),
                "-untrusted", pki.directory().resolve("device-ca.pem").toString(), deviceCertificate.toString());
    }

    static Result run(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("openssl did not finish: " + command);
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run openssl (is it installed and on PATH?): " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
