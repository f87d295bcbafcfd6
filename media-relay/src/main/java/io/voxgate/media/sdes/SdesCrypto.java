package io.voxgate.media.sdes;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9): a tag, a suite and one inline master key with
 * its salt. Parsing is strict where a wrong key would silently break the call (key and salt
 * lengths, base64) and lenient where phones differ harmlessly: a lifetime ({@code |2^31}) and an
 * MKI ({@code |1:4}) are read and kept, session parameters are kept as text.
 * {@link #toString()} never shows the key: it is the one secret of the media path.
 */
public final class SdesCrypto {

    private static final String INLINE = "inline:";

    private final int tag;
    private final CryptoSuite suite;
    private final byte[] keyAndSalt;
    private final String lifetime;
    private final String mki;
    private final String sessionParameters;

    private SdesCrypto(int tag, CryptoSuite suite, byte[] keyAndSalt, String lifetime, String mki, String sessionParameters) {
        this.tag = tag;
        this.suite = suite;
        this.keyAndSalt = keyAndSalt;
        this.lifetime = lifetime;
        this.mki = mki;
        this.sessionParameters = sessionParameters;
    }

    /** A fresh master key and salt for {@code suite} from {@code random}, as the relay offers per leg. */
    public static SdesCrypto generate(int tag, CryptoSuite suite, SecureRandom random) {
        byte[] material = new byte[suite.keyLength() + suite.saltLength()];
        random.nextBytes(material);
        return new SdesCrypto(tag, suite, material, null, null, "");
    }

    /**
     * Parses the value of an {@code a=crypto:} attribute ({@code 1 AES_CM_128_HMAC_SHA1_80
     * inline:...}). Empty for a suite this relay does not speak, so the offer's other lines can
     * still be chosen; {@link IllegalArgumentException} naming the problem for a malformed line.
     */
    public static Optional<SdesCrypto> parse(String value) {
        String[] parts = value.strip().split("\\s+", 4);
        if (parts.length < 3) {
            throw new IllegalArgumentException("a=crypto needs a tag, a suite and key parameters: " + redact(value));
        }
        int tag = parseTag(parts[0]);
        Optional<CryptoSuite> suite = CryptoSuite.named(parts[1]);
        if (suite.isEmpty()) {
            return Optional.empty();
        }
        String keyParams = parts[2];
        if (keyParams.contains(";")) {
            keyParams = keyParams.substring(0, keyParams.indexOf(';')); // RFC 4568 §9.2: more keys; the relay uses the first
        }
        if (!keyParams.startsWith(INLINE)) {
            throw new IllegalArgumentException("a=crypto tag " + tag + ": key method must be inline");
        }
        String[] fields = keyParams.substring(INLINE.length()).split("\\|");
        byte[] material;
        try {
            material = Base64.getDecoder().decode(fields[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a=crypto tag " + tag + ": the key is not base64");
        }
        int expected = suite.get().keyLength() + suite.get().saltLength();
        if (material.length != expected) {
            Arrays.fill(material, (byte) 0);
            throw new IllegalArgumentException("a=crypto tag " + tag + ": " + suite.get() + " needs " + expected
                    + " bytes of key and salt, the line carries " + material.length);
        }
        String lifetime = null;
        String mki = null;
        for (int i = 1; i < fields.length; i++) {
            if (fields[i].contains(":")) {
                mki = checkedMki(tag, fields[i]);
            } else {
                lifetime = fields[i];
            }
        }
        return Optional.of(new SdesCrypto(tag, suite.get(), material, lifetime, mki, parts.length > 3 ? parts[3] : ""));
    }

    /**
     * The strongest line of {@code offered} this relay speaks (RFC 4568 §7.1.1: the answer picks
     * one offered line and answers with its tag).
     */
    public static Optional<SdesCrypto> strongest(List<SdesCrypto> offered) {
        SdesCrypto best = null;
        for (SdesCrypto line : offered) {
            if (best == null || line.suite.ordinal() < best.suite.ordinal()) {
                best = line;
            }
        }
        return Optional.ofNullable(best);
    }

    public int tag() {
        return tag;
    }

    public CryptoSuite suite() {
        return suite;
    }

    /** A copy of the master key. */
    public byte[] masterKey() {
        return Arrays.copyOfRange(keyAndSalt, 0, suite.keyLength());
    }

    /** A copy of the master salt. */
    public byte[] masterSalt() {
        return Arrays.copyOfRange(keyAndSalt, suite.keyLength(), keyAndSalt.length);
    }

    public Optional<String> mki() {
        return Optional.ofNullable(mki);
    }

    /** The attribute value to write into SDP ({@code a=crypto:} is the caller's); holds the key. */
    public String toAttributeValue() {
        StringBuilder value = new StringBuilder().append(tag).append(' ').append(suite.name()).append(' ')
                .append(INLINE).append(Base64.getEncoder().encodeToString(keyAndSalt));
        if (lifetime != null) {
            value.append('|').append(lifetime);
        }
        if (mki != null) {
            value.append('|').append(mki);
        }
        if (!sessionParameters.isEmpty()) {
            value.append(' ').append(sessionParameters);
        }
        return value.toString();
    }

    /** The session parameters as written ({@code UNENCRYPTED_SRTCP}, {@code KDR=...}), "" when none. */
    public String sessionParameters() {
        return sessionParameters;
    }

    /** False for lines asking for SRTP without encryption or authentication (RFC 4568 §6.3.2). */
    public boolean keepsMediaSecure() {
        for (String parameter : sessionParameters.split("\\s+")) {
            if (parameter.equals("UNENCRYPTED_SRTP") || parameter.equals("UNAUTHENTICATED_SRTP")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same key with {@code parameters} as its session parameters: the relay's answer echoes
     * an offered {@code UNENCRYPTED_SRTCP} (RFC 4568 §6.3.2: a declarative parameter the answer
     * accepts by repeating it).
     */
    public SdesCrypto withSessionParameters(String parameters) {
        return new SdesCrypto(tag, suite, keyAndSalt, lifetime, mki, parameters);
    }

    /** Same suite and the same key and salt, whatever the tag: a re-INVITE that repeats a key changes nothing. */
    public boolean sameKeyAs(SdesCrypto other) {
        return suite == other.suite && java.security.MessageDigest.isEqual(keyAndSalt, other.keyAndSalt)
                && java.util.Objects.equals(mki, other.mki);
    }

    /** The same line with its tag set to {@code answerTag}: an answer echoes the offer's tag. */
    public SdesCrypto withTag(int answerTag) {
        return new SdesCrypto(answerTag, suite, keyAndSalt, lifetime, mki, sessionParameters);
    }

    @Override
    public String toString() {
        return "a=crypto tag " + tag + " " + suite + " (key withheld)";
    }

    /** RFC 4568 §9.1: {@code mki-value:mki-length}, the length 1 to 128 bytes. */
    private static String checkedMki(int tag, String mki) {
        String[] parts = mki.split(":", 2);
        if (parts.length == 2 && parts[0].matches("\\d{1,39}") && parts[1].matches("\\d{1,3}")) {
            int length = Integer.parseInt(parts[1]);
            if (length >= 1 && length <= 128) {
                return mki;
            }
        }
        throw new IllegalArgumentException("a=crypto tag " + tag + ": MKI must be value:length with a length of 1 to 128, was " + mki);
    }

    private static int parseTag(String text) {
        try {
            int tag = Integer.parseInt(text);
            if (tag < 0 || tag > 999_999_999) {
                throw new NumberFormatException();
            }
            return tag;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a=crypto tag must be 1 to 9 digits, was " + text);
        }
    }

    /** Text for an error message with every inline key replaced: errors get logged. */
    public static String redact(String value) {
        return value.replaceAll("inline:[^\\s|;]*", "inline:<withheld>");
    }
}
