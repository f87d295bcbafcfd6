package io.voxgate.sip.transport;

/** Hard limits on one SIP message read from a stream, so a slow or endless sender cannot exhaust memory. */
public record SipStreamLimits(int maxHeaderBytes, int maxLineLength, int maxHeaderLines, int maxBodyBytes) {

    /** Generous for real phones (an INVITE with SDP is 1-4 KB), tight for abuse. */
    public static final SipStreamLimits DEFAULT = new SipStreamLimits(16 * 1024, 4096, 120, 64 * 1024);
}
