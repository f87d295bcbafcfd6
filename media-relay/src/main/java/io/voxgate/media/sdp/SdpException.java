package io.voxgate.media.sdp;

/** A session description the relay cannot work with; the message names the line and never a key. */
public final class SdpException extends IllegalArgumentException {

    public SdpException(String message) {
        super(message);
    }

    static String shorten(String text) {
        String redacted = io.voxgate.media.sdes.SdesCrypto.redact(text);
        return redacted.length() > 80 ? redacted.substring(0, 80) + "..." : redacted;
    }
}
