package io.voxgate.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

import io.voxgate.config.user.DigestHashes;

/** The digest algorithms the registrar offers: SHA-256 (RFC 8760, preferred) and MD5 (what most phones speak). */
public enum DigestAlgorithm {
    SHA_256("SHA-256", "SHA-256"),
    MD5("MD5", "MD5");

    private final String token;
    private final String jcaName;
    /** One MessageDigest per thread: getInstance is a provider lookup, too slow for every request. */
    private final ThreadLocal<MessageDigest> digest;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
        this.digest = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance(jcaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(jcaName + " is mandatory in every JDK", e);
            }
        });
    }

    public String token() {
        return token;
    }

    /** No algorithm parameter means MD5 (RFC 2617 §3.2.2). */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.of(MD5);
        }
        return switch (token.toUpperCase(Locale.ROOT)) {
            case "MD5" -> Optional.of(MD5);
            case "SHA-256" -> Optional.of(SHA_256);
            default -> Optional.empty();
        };
    }

    public String ha1(DigestHashes hashes) {
        return this == MD5 ? hashes.ha1Md5() : hashes.ha1Sha256();
    }

    public String hash(String input) {
        return HexFormat.of().formatHex(digest.get().digest(input.getBytes(StandardCharsets.UTF_8))); // digest() resets it
    }
}
