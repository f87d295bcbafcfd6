package io.voxgate.config.audit;

/**
 * Text a client chose (an email typed at login, a user agent, a certificate's names) made safe for
 * logs and audit events: control characters replaced, so no one can forge a log line, and cut to
 * a length.
 */
public final class AuditText {

    private AuditText() {
    }

    public static String printable(String text, int maxLength) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > maxLength ? clean.substring(0, maxLength) : clean;
    }
}
