package io.voxgate.admin.auth;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 6 digits, 30-second
 * steps, which every authenticator app reads from an {@code otpauth://} URI. Hand-written: it is
 * a dozen lines of the RFC on the JDK's HMAC, and the Java TOTP libraries are unmaintained.
 * {@link #verify} returns the step a code matched so the caller can refuse it a second time.
 */
public final class Totp {

    public static final int DIGITS = 6;
    public static final long STEP_SECONDS = 30;
    /** Codes of one step before or after are accepted: phones' clocks drift. */
    public static final int SKEW_STEPS = 1;
    private static final int SECRET_BYTES = 20;
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Totp(Clock clock) {
        this.clock = clock;
    }

    public byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        return secret;
    }

    /** The URI authenticator apps scan (Google's Key Uri Format, which they all follow). */
    public static String otpauthUri(String issuer, String account, byte[] secret) {
        String label = URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20") + ":"
                + URLEncoder.encode(account, StandardCharsets.UTF_8).replace("+", "%20");
        return "otpauth://totp/" + label + "?secret=" + base32(secret) + "&issuer="
                + URLEncoder.encode(issuer, StandardCharsets.UTF_8).replace("+", "%20") + "&algorithm=SHA1&digits=" + DIGITS
                + "&period=" + STEP_SECONDS;
    }

    /** The step {@code code} is valid for (now, or one step either side), if any; never matches a malformed code. */
    public OptionalLong verify(byte[] secret, String code) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        long now = Math.floorDiv(clock.instant().getEpochSecond(), STEP_SECONDS);
        int presented = Integer.parseInt(code);
        OptionalLong matched = OptionalLong.empty();
        for (long step = now - SKEW_STEPS; step <= now + SKEW_STEPS; step++) {
            if (code(secret, step, DIGITS) == presented && matched.isEmpty()) {
                matched = OptionalLong.of(step); // keep looping: the time taken must not say which step matched
            }
        }
        return matched;
    }

    /** RFC 4226 §5.3: HMAC of the counter, dynamic truncation, modulo 10^digits. */
    static int code(byte[] secret, long step, int digits) {
        try {
            Mac hmac = Mac.getInstance("HmacSHA1");
            hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = hmac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = h[h.length - 1] & 0x0F;
            int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16) | ((h[offset + 2] & 0xFF) << 8) | (h[offset + 3] & 0xFF);
            return binary % (int) Math.pow(10, digits);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JDK", e);
        }
    }

    static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 0x1F]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 0x1F]);
        }
        return out.toString();
    }
}
