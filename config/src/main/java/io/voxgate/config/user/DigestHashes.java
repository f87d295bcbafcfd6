package io.voxgate.config.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * HA1 = H(username ":" realm ":" password) for the digest algorithms a registrar offers: MD5
 * (RFC 2617, what every phone speaks) and SHA-256 (RFC 8760). Storing these instead of the
 * password means a leaked table cannot be replayed against another realm or service.
 */
public record DigestHashes(String ha1Md5, String ha1Sha256) {

    public static DigestHashes of(String username, String realm, String password) {
        String input = username + ":" + realm + ":" + password;
        return new DigestHashes(hex("MD5", input), hex("SHA-256", input));
    }

    private static String hex(String algorithm, String input) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(input.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is mandatory in every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "DigestHashes[redacted]";
    }
}
