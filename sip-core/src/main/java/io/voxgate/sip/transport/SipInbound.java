package io.voxgate.sip.transport;

/** What the stream framer hands up: a whole message, a keepalive, or why the stream is unusable. */
public sealed interface SipInbound {

    /** One complete SIP message: start line, headers and exactly Content-Length bytes of body. */
    record Frame(byte[] bytes) implements SipInbound {
    }

    /** RFC 5626 §3.5.1: a double CRLF "ping"; the answer is a single CRLF "pong". */
    record KeepalivePing() implements SipInbound {
    }

    /** The stream cannot be framed any more (oversized, no Content-Length): answer if possible, then close. */
    record FramingError(String reason, byte[] headerBlock) implements SipInbound {
    }

    KeepalivePing PING = new KeepalivePing();
}
