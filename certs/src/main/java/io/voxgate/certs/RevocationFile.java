package io.voxgate.certs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The revoked serials, kept as a small TSV file so revocations survive restarts and an operator
 * can read them: {@code serial-hex TAB revoked-at (ISO-8601 UTC) TAB reason}. Every change rewrites
 * the file atomically; a few hundred lines cost nothing and the file is never half-written.
 */
final class RevocationFile {
    private static final String HEADER = "# serial (hex)\trevoked at (UTC)\treason (RFC 5280 CRLReason)";

    private final Path file;

    RevocationFile(Path file) {
        this.file = file;
    }

    /** Revocations in the order they were made; none if the file does not exist yet. */
    List<Revocation> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read revocation list " + file, e);
        }
        List<Revocation> revocations = new ArrayList<>();
        for (int index = 0; index < lines.size(); index++) {
            String line = lines.get(index).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                revocations.add(parse(line, index + 1));
            }
        }
        return List.copyOf(revocations);
    }

    void write(List<Revocation> revocations) {
        StringBuilder text = new StringBuilder(HEADER).append('\n');
        for (Revocation revoked : revocations) {
            text.append(revoked.serial().toString(16)).append('\t')
                    .append(revoked.revokedAt()).append('\t')
                    .append(revoked.reason().name()).append('\n');
        }
        AtomicFileWriter.writeWorldReadable(file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private Revocation parse(String line, int lineNumber) {
        String[] fields = line.split("\t");
        try {
            if (fields.length != 3) {
                throw new IllegalArgumentException("expected 3 tab-separated fields, found " + fields.length);
            }
            return new Revocation(new BigInteger(fields[0], 16), Instant.parse(fields[1]), CRLReason.valueOf(fields[2]));
        } catch (RuntimeException e) {
            throw new PkiException(file + " line " + lineNumber + " is not 'serial-hex<TAB>instant<TAB>reason': "
                    + e.getMessage() + "; fix the line (deleting it would un-revoke that certificate)", e);
        }
    }
}
