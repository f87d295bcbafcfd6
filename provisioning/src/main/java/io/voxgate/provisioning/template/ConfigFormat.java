package io.voxgate.provisioning.template;

import java.io.IOException;
import java.io.Writer;

/**
 * The file formats phones read, each with the escaping a value needs to stay a value in it. HTML
 * escaping (mustache's default) would be wrong in all of them: {@code &amp;#39;} means nothing to
 * a Yealink and is not JSON.
 */
enum ConfigFormat {

    /** Yealink {@code key = value} lines: nothing to escape, but a line break would start a new key. */
    KEY_VALUE("text/plain") {
        @Override
        void escape(String value, Writer out) throws IOException {
            for (int i = 0; i < value.length(); i++) {
                if (ValueGuard.isLineBreakingOrControl(value.charAt(i))) {
                    // Reached only by a template that writes the PEM certificate into a key = value file.
                    throw new IllegalArgumentException("a value with a line break cannot go into a key = value file"
                            + " (is the template writing caCertificatePem?)");
                }
            }
            out.write(value);
        }
    },

    /** XML 1.0 text and attribute values (Poly, Cisco, Grandstream). */
    XML("application/xml") {
        @Override
        void escape(String value, Writer out) throws IOException {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '&' -> out.write("&amp;");
                    case '<' -> out.write("&lt;");
                    case '>' -> out.write("&gt;");
                    case '"' -> out.write("&quot;");
                    case '\'' -> out.write("&apos;");
                    // A character reference keeps the PEM's line breaks inside an attribute value,
                    // where a literal LF would be normalized to a space (XML 1.0 §3.3.3).
                    case '\n' -> out.write("&#10;");
                    default -> out.write(c);
                }
            }
        }
    },

    /** Inside a JSON string (RFC 8259 §7). */
    JSON("application/json") {
        @Override
        void escape(String value, Writer out) throws IOException {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.write("\\\"");
                    case '\\' -> out.write("\\\\");
                    case '\n' -> out.write("\\n");
                    default -> {
                        if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                            out.write(String.format("\\u%04x", (int) c));
                        } else {
                            out.write(c);
                        }
                    }
                }
            }
        }
    };

    private final String contentType;

    ConfigFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    abstract void escape(String value, Writer out) throws IOException;

    static ConfigFormat of(Vendor vendor) {
        return switch (vendor) {
            case YEALINK -> KEY_VALUE;
            case POLY, CISCO, GRANDSTREAM -> XML;
            case SOFTPHONE -> JSON;
        };
    }
}
