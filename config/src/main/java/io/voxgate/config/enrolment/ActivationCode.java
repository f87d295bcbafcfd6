package io.voxgate.config.enrolment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * An activation code's text: 80 random bits as 16 characters of Crockford's base32
 * (https://www.crockford.com/base32.html), which has no I, L, O or U, so a code read aloud or
 * typed from a screen survives the usual confusions.
 *
 * @param normalised the 16 characters, upper case, without separators
 */
record ActivationCode(String normalised) {
    static final int BITS = 80;
    static final int LENGTH = BITS / 5;
    private static final int GROUP = 4;
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    static ActivationCode random(SecureRandom random) {
        byte[] bits = new byte[BITS / 8];
        random.nextBytes(bits);
        StringBuilder text = new StringBuilder(LENGTH);
        // Five bits per character, most significant first; 80 bits are exactly 16 characters.
        for (int character = 0; character < LENGTH; character++) {
            int value = 0;
            for (int bit = character * 5; bit < character * 5 + 5; bit++) {
                value = value << 1 | (bits[bit / 8] >> (7 - bit % 8) & 1);
            }
            text.append(ALPHABET.charAt(value));
        }
        return new ActivationCode(text.toString());
    }

    /**
     * Reads a code as people type it: any case, dashes and spaces anywhere, and Crockford's
     * substitutions O→0, I→1, L→1. Empty if what remains is not 16 code characters.
     */
    static Optional<ActivationCode> parse(String presented) {
        if (presented == null || presented.length() > 4 * LENGTH) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder(LENGTH);
        for (char c : presented.toUpperCase(Locale.ROOT).toCharArray()) {
            char read = switch (c) {
                case '-', ' ', '\t' -> 0;
                case 'O' -> '0';
                case 'I', 'L' -> '1';
                default -> c;
            };
            if (read == 0) {
                continue;
            }
            if (ALPHABET.indexOf(read) < 0) {
                return Optional.empty();
            }
            text.append(read);
        }
        return text.length() == LENGTH ? Optional.of(new ActivationCode(text.toString())) : Optional.empty();
    }

    /** The form shown to people: groups of four, as {@code ABCD-EFGH-JKMN-PQRS}. */
    String display() {
        StringBuilder text = new StringBuilder();
        for (int start = 0; start < LENGTH; start += GROUP) {
            text.append(start == 0 ? "" : "-").append(normalised, start, start + GROUP);
        }
        return text.toString();
    }

    /** What the database keeps instead of the code: SHA-256 of the normalised text. */
    byte[] hash() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(normalised.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ActivationCode[withheld]";
    }
}
