package io.voxgate.admin.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Strong entity tags from a resource's representation: 128 bits of its SHA-256, so two different
 * states never share a tag by chance (a 32-bit hash would, now and then, let a stale If-Match through).
 */
final class ETags {

    private ETags() {
    }

    static String of(Object representation) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(representation).getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
