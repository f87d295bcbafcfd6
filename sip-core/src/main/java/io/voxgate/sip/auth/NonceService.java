package io.voxgate.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;


/**
 * Digest nonces that need no table: each nonce carries its issue time and an HMAC over it and the
 * realm, so any nonce can be checked for authenticity and age. Replays are stopped by remembering,
 * per nonce, the highest nonce-count seen (RFC 7616 §3.3): a request must use a higher one.
 * The memory is bounded and only holds nonces that authenticated ({@link NonceCounts}).
 */
public final class NonceService {

    public enum Verdict { FRESH, STALE, INVALID }

    private static final int MAC_BYTES = 16;
    /** About 20 bytes each: 4 M nonces (five minutes at 13 000 authenticated requests a second) in about 100 MB. */
    private static final int MAX_TRACKED_NONCES = 4_000_000;
    private static final long FUTURE_SKEW_SECONDS = 5;

    /** Mac.getInstance and init cost a provider lookup and key setup: once per thread, not per nonce. */
    private final ThreadLocal<Mac> hmac;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    /** Keyed by the first 8 bytes of the nonce's MAC: unforgeable, and unique enough among live nonces. */
    private final NonceCounts highestNonceCount;

    public NonceService(byte[] key, Clock clock, Duration lifetime) {
        this.hmac = HmacSha256.perThread(key); // it keeps its own copy
        this.clock = clock;
        this.lifetime = lifetime;
        this.highestNonceCount = new NonceCounts(lifetime.toSeconds(), MAX_TRACKED_NONCES);
    }

    public static NonceService withRandomKey(Duration lifetime) {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new NonceService(key, Clock.systemUTC(), lifetime);
    }

    public String issue(String realm) {
        ByteBuffer nonce = ByteBuffer.allocate(16 + MAC_BYTES);
        nonce.putLong(clock.millis() / 1000);
        byte[] salt = new byte[8];
        random.nextBytes(salt);
        nonce.put(salt);
        nonce.put(mac(nonce.array(), 16, realm));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce.array());
    }

    /** Whether this service issued {@code nonce} for {@code realm}, and whether it is still young enough. */
    public Verdict check(String nonce, String realm) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Verdict.INVALID;
        }
        if (raw.length != 16 + MAC_BYTES) {
            return Verdict.INVALID;
        }
        byte[] expected = mac(raw, 16, realm);
        byte[] actual = java.util.Arrays.copyOfRange(raw, 16, 16 + MAC_BYTES);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Verdict.INVALID;
        }
        long issuedAt = ByteBuffer.wrap(raw).getLong();
        long age = clock.millis() / 1000 - issuedAt;
        // issued "in the future" means the clock went back: re-challenge rather than trust the count table
        return age > lifetime.toSeconds() || age < -FUTURE_SKEW_SECONDS ? Verdict.STALE : Verdict.FRESH;
    }

    /**
     * Records that a request authenticated with {@code nonce} and nonce-count {@code nc}; false when
     * that count (or a higher one) was used before: the request is a replay. Call only after the
     * digest response checked out, so guesses cannot burn a client's counts.
     */
    public boolean acceptCount(String nonce, long nc) {
        if (nc <= 0) {
            return false;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (raw.length != 16 + MAC_BYTES) {
            return false;
        }
        ByteBuffer fields = ByteBuffer.wrap(raw);
        return highestNonceCount.accept(fields.getLong(16), fields.getLong(0), nc);
    }

    private byte[] mac(byte[] data, int length, String realm) {
        Mac mac = hmac.get();
        mac.update(data, 0, length);
        mac.update(realm.getBytes(StandardCharsets.UTF_8));
        return java.util.Arrays.copyOf(mac.doFinal(), MAC_BYTES); // doFinal resets it for the next use
    }

}
