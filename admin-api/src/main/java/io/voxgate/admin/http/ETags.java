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

    /**
     * For a PUT that replaces a resource: whether the {@code If-Match} sent (if any) names its
     * current state, what the client read, so two admins editing the same dial plan cannot
     * overwrite each other unawares. Asked inside the write's transaction.
     */
    static boolean matchesIfMatch(io.micronaut.http.HttpRequest<?> request, Object currentRepresentation) {
        String ifMatch = request.getHeaders().get("If-Match");
        return ifMatch == null || "*".equals(ifMatch.strip()) || ifMatch.strip().equals(of(currentRepresentation));
    }

    static io.micronaut.http.MutableHttpResponse<?> changedMeanwhile() {
        return Problems.of(io.micronaut.http.HttpStatus.PRECONDITION_FAILED, "changed-meanwhile", "Precondition failed",
                "it changed since you read it: read it again, then apply your change", "If-Match");
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
