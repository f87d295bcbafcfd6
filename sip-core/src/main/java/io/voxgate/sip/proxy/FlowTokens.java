package io.voxgate.sip.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import javax.crypto.Mac;

import io.voxgate.sip.auth.HmacSha256;

/**
 * The user part of this proxy's Record-Route entries: a flow id with an HMAC, so a Route header
 * can only name a connection this proxy itself put in a dialog's route set. Without it anyone
 * could guess the sequential flow ids and send requests, unauthenticated, down any phone's
 * connection. The key lives as long as the process (the flows it vouches for do too).
 */
final class FlowTokens {

    private static final char SEPARATOR = '~';
    private static final int MAC_HEX = 16;

    private final byte[] key = new byte[32];
    private final ThreadLocal<Mac> hmac;

    FlowTokens() {
        new SecureRandom().nextBytes(key);
        this.hmac = HmacSha256.perThread(key);
    }

    String token(String flowId) {
        return flowId + SEPARATOR + mac(flowId);
    }

    /** The flow id a token names, when this proxy issued it. */
    Optional<String> flowId(String token) {
        int at = token == null ? -1 : token.lastIndexOf(SEPARATOR);
        if (at <= 0) {
            return Optional.empty();
        }
        String flowId = token.substring(0, at);
        boolean genuine = MessageDigest.isEqual(mac(flowId).getBytes(StandardCharsets.US_ASCII),
                token.substring(at + 1).getBytes(StandardCharsets.US_ASCII));
        return genuine ? Optional.of(flowId) : Optional.empty();
    }

    private String mac(String flowId) {
        byte[] digest = hmac.get().doFinal(flowId.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest).substring(0, MAC_HEX);
    }

}
