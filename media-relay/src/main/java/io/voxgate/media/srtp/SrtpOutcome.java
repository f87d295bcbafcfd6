package io.voxgate.media.srtp;

/** What became of one packet in an SRTP transform; only {@link #OK} packets are forwarded. */
public enum SrtpOutcome {
    OK,
    /** The authentication tag did not match: forged, tampered with, or another leg's key. */
    AUTH_FAILED,
    /** Seen already, or older than the replay window (RFC 3711 §3.3.2). */
    REPLAYED,
    /** Too short or not RTP/RTCP at all. */
    INVALID
}
