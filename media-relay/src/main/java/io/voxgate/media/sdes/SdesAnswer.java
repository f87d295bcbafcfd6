package io.voxgate.media.sdes;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * The answerer's side of SDES for one stream (RFC 4568 §7.1.1): of the offered lines it speaks,
 * the strongest; the answer carries that line's tag and suite with a key of its own, since each
 * direction is protected with the key its sender chose. Both keys are kept: the relay decrypts what
 * the offerer sends with {@link #remote()} and encrypts towards it with {@link #local()}.
 *
 * @param remote the offered line chosen: the offerer's key, for packets from it
 * @param local  the relay's fresh key on the same tag and suite, for packets to it (goes in the answer)
 */
public record SdesAnswer(SdesCrypto remote, SdesCrypto local) {

    /** Empty when no offered line is one the relay speaks: the stream cannot be SRTP. */
    public static Optional<SdesAnswer> to(List<SdesCrypto> offered, SecureRandom random) {
        return SdesCrypto.strongest(offered.stream().filter(SdesCrypto::keepsMediaSecure).toList())
                .map(chosen -> new SdesAnswer(chosen, SdesCrypto.generate(chosen.tag(), chosen.suite(), random)
                        .withSessionParameters(echoed(chosen.sessionParameters()))));
    }

    /**
     * Of the offered line's session parameters, those the answer repeats: UNENCRYPTED_SRTCP (the
     * relay takes the phone's SRTCP unencrypted, authenticated still: jitsi-srtp honours the E flag).
     */
    private static String echoed(String parameters) {
        return java.util.Arrays.stream(parameters.split("\\s+")).filter("UNENCRYPTED_SRTCP"::equals).findFirst().orElse("");
    }

    /** The relay's offer towards the other leg: every suite it speaks, strongest first, each with its own fresh key. */
    public static List<SdesCrypto> offer(SecureRandom random) {
        CryptoSuite[] suites = CryptoSuite.values();
        return java.util.stream.IntStream.range(0, suites.length)
                .mapToObj(i -> SdesCrypto.generate(i + 1, suites[i], random)).toList();
    }
}
