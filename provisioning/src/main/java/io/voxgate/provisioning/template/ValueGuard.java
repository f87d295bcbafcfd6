package io.voxgate.provisioning.template;

import java.util.regex.Pattern;

/**
 * Refuses values that could change the structure of a configuration file rather than fill a slot
 * in it. A CR or LF in a Yealink {@code key = value} file starts a new line, that is a new key an
 * operator never wrote; XML and JSON have no use for control characters in these fields either.
 * Messages name the field and never show the value: it may be the SIP password.
 */
final class ValueGuard {

    /** Dialable strings: extensions, numbers, feature codes. Line keys carry nothing else. */
    private static final Pattern DIALABLE = Pattern.compile("[A-Za-z0-9*#+._-]{1,64}");

    private static final Pattern PEM_CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,76}\n)+-----END CERTIFICATE-----\n?");

    private ValueGuard() {
    }

    /** The value, or "" for null, once it is known to hold no control character. */
    static String text(String field, String value) {
        if (value == null) {
            return "";
        }
        for (int i = 0; i < value.length(); i++) {
            if (isLineBreakingOrControl(value.charAt(i))) {
                throw new IllegalArgumentException(field + ": contains a line break or another control character;"
                        + " refused, it would let the value add lines to the configuration file");
            }
        }
        return value;
    }

    /** Like {@link #text} and not empty. */
    static String required(String field, String value) {
        String checked = text(field, value);
        if (checked.isBlank()) {
            throw new IllegalArgumentException(field + ": is required");
        }
        return checked;
    }

    static String dialable(String field, String value) {
        String checked = required(field, value);
        if (!DIALABLE.matcher(checked).matches()) {
            throw new IllegalArgumentException(field + ": expected a number or extension"
                    + " (letters, digits and * # + . _ -, at most 64)");
        }
        return checked;
    }

    /**
     * The switch's CA certificate with LF line ends: the one value allowed to span lines, and only in
     * the shape of a single PEM certificate, so it cannot smuggle anything else in.
     */
    static String pemCertificate(String field, String pem) {
        String normalized = pem == null ? "" : pem.replace("\r\n", "\n").strip() + "\n";
        if (!PEM_CERTIFICATE.matcher(normalized).matches()) {
            throw new IllegalArgumentException(field + ": expected one PEM certificate"
                    + " (-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----)");
        }
        return normalized;
    }

    static boolean isLineBreakingOrControl(char c) {
        // ISO controls are C0, DEL and C1 (NEL among them); U+2028/2029 break lines in some parsers.
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
