package io.voxgate.certs;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A phone's Ethernet MAC address, which names its device certificate.
 *
 * @param canonical twelve lower-case hex digits without separators, e.g. {@code 001565abcdef}
 */
public record MacAddress(String canonical) {
    private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{12}");
    // The forms phones print on their labels and provisioning servers send; separators may not be mixed.
    private static final Pattern COLONS = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");
    private static final Pattern DASHES = Pattern.compile("\\p{XDigit}{2}(-\\p{XDigit}{2}){5}");
    private static final Pattern CISCO_DOTS = Pattern.compile("\\p{XDigit}{4}(\\.\\p{XDigit}{4}){2}");
    private static final Pattern BARE = Pattern.compile("\\p{XDigit}{12}");

    public MacAddress {
        if (canonical == null || !CANONICAL.matcher(canonical).matches()) {
            throw new IllegalArgumentException(
                    "'" + canonical + "' is not a canonical MAC address: expected 12 lower-case hex digits such as 001565abcdef");
        }
    }

    /**
     * Accepts {@code 00:15:65:AB:CD:EF}, {@code 00-15-65-ab-cd-ef}, {@code 0015.65ab.cdef} and
     * {@code 001565ABCDEF}, in either case.
     */
    public static MacAddress parse(String text) {
        String candidate = text == null ? "" : text.strip();
        if (COLONS.matcher(candidate).matches() || DASHES.matcher(candidate).matches()
                || CISCO_DOTS.matcher(candidate).matches() || BARE.matcher(candidate).matches()) {
            return new MacAddress(candidate.replaceAll("[:.-]", "").toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException("'" + text + "' is not a MAC address: expected 12 hex digits, as "
                + "00:15:65:AB:CD:EF, 00-15-65-AB-CD-EF, 0015.65AB.CDEF or 001565ABCDEF");
    }

    /** The MAC device URN of RFC 9039, used as the device certificate's subjectAltName. */
    public String asUrn() {
        return "urn:dev:mac:" + canonical;
    }

    @Override
    public String toString() {
        return canonical;
    }
}
