package io.voxgate.media.sdp;

/**
 * One {@code <type>=<value>} line of a session description (RFC 4566 §5), kept as text: the
 * relay rewrites a handful of lines (c=, m=, a=rtcp, a=crypto) and must pass every other one,
 * codec parameters and vendor attributes included, through byte for byte.
 */
public record SdpLine(char type, String value) {

    static SdpLine parse(String text, int number) {
        if (text.length() < 2 || text.charAt(1) != '=' || !Character.isLetter(text.charAt(0))) {
            throw new SdpException("line " + number + " is not <type>=<value>: " + SdpException.shorten(text));
        }
        return new SdpLine(text.charAt(0), text.substring(2));
    }

    /** For an {@code a=} line: the attribute name ({@code rtpmap} in {@code a=rtpmap:0 PCMU/8000}). */
    public String attributeName() {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** For an {@code a=name:value} line: what follows the colon; empty for a flag attribute. */
    public String attributeValue() {
        int colon = value.indexOf(':');
        return colon < 0 ? "" : value.substring(colon + 1);
    }

    public boolean isAttribute(String name) {
        return type == 'a' && attributeName().equals(name);
    }

    /**
     * ICE (RFC 8839) candidates and credentials: a relayed description drops them. They name the
     * phone's own addresses, and a phone that ran ICE with them could pick a direct path around
     * the relay, with keys the other phone does not have.
     */
    public boolean isIce() {
        return type == 'a' && ICE.contains(attributeName());
    }

    private static final java.util.Set<String> ICE = java.util.Set.of(
            "candidate", "remote-candidates", "end-of-candidates", "ice-ufrag", "ice-pwd", "ice-options", "ice-lite", "ice-mismatch");

    @Override
    public String toString() {
        return type + "=" + (isAttribute("crypto") ? "crypto:(key withheld)" : value);
    }
}
