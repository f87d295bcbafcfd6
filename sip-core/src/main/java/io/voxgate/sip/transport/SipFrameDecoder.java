package io.voxgate.sip.transport;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Cuts a SIP byte stream (TLS or TCP) into messages by Content-Length, RFC 3261 §18.3, and
 * recognises RFC 5626 keepalives between messages. It only frames: parsing is the next stage's job.
 * A stream that breaks a limit or has no Content-Length yields one {@link SipInbound.FramingError}
 * and everything after it is discarded (the handler closes the connection).
 */
public final class SipFrameDecoder extends ByteToMessageDecoder {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final SipStreamLimits limits;
    private boolean failed;

    public SipFrameDecoder(SipStreamLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            if (!decodeOne(in, out)) {
                break;
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    /** @return true when something was consumed and another message may follow */
    private boolean decodeOne(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        if (in.getByte(start) == CR || in.getByte(start) == LF) {
            return consumeKeepalive(in, out);
        }
        int headerEnd = indexOfBlankLine(in, start, Math.min(in.writerIndex(), start + limits.maxHeaderBytes()));
        if (headerEnd < 0) {
            if (in.readableBytes() >= limits.maxHeaderBytes()) {
                fail(out, "headers exceed " + limits.maxHeaderBytes() + " bytes", in, start, limits.maxHeaderBytes());
            }
            return false; // wait for more
        }
        int headerLength = headerEnd - start; // up to, not including, the blank line's CRLF CRLF
        String problem = checkLines(in, start, headerLength);
        if (problem != null) {
            fail(out, problem, in, start, headerLength);
            return false;
        }
        int contentLength = contentLength(in, start, headerLength);
        if (contentLength == -1) {
            fail(out, "missing Content-Length (required on stream transports, RFC 3261 §18.3)", in, start, headerLength);
            return false;
        }
        if (contentLength < -1 || contentLength > limits.maxBodyBytes()) {
            fail(out, "Content-Length invalid or above " + limits.maxBodyBytes() + " bytes", in, start, headerLength);
            return false;
        }
        int total = headerLength + 4 + contentLength;
        if (in.readableBytes() < total) {
            return false; // wait for the rest of the body
        }
        byte[] frame = new byte[total];
        in.readBytes(frame);
        out.add(new SipInbound.Frame(frame));
        return true;
    }

    /** CRLF CRLF is a ping; a lone CRLF (a pong, or a stray line ending) is dropped. */
    private static boolean consumeKeepalive(ByteBuf in, List<Object> out) {
        int at = in.readerIndex();
        int readable = in.readableBytes();
        if (readable >= 4 && in.getInt(at) == 0x0D0A0D0A) {
            in.skipBytes(4);
            out.add(SipInbound.PING);
            return true;
        }
        if (readable >= 2 && in.getShort(at) == 0x0D0A) {
            if (readable == 2 || (readable == 3 && in.getByte(at + 2) == CR)) {
                return false; // may be the first half of a ping split across reads
            }
            in.skipBytes(2);
            return true;
        }
        in.skipBytes(1);
        return true;
    }

    private static int indexOfBlankLine(ByteBuf in, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (in.getByte(i) == CR && in.getInt(i) == 0x0D0A0D0A) {
                return i;
            }
        }
        return -1;
    }

    private String checkLines(ByteBuf in, int start, int length) {
        int lines = 1;
        int lineStart = start;
        for (int i = start; i < start + length; i++) {
            if (in.getByte(i) == LF) {
                if (i - lineStart > limits.maxLineLength()) {
                    return "a header line exceeds " + limits.maxLineLength() + " bytes";
                }
                lines++;
                lineStart = i + 1;
            }
        }
        if (start + length - lineStart > limits.maxLineLength()) {
            return "a header line exceeds " + limits.maxLineLength() + " bytes";
        }
        if (lines > limits.maxHeaderLines()) {
            return "more than " + limits.maxHeaderLines() + " header lines";
        }
        return null;
    }

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);

    /**
     * The Content-Length (or compact "l") header's value, read straight from the buffer (no String
     * per message on the hot path); -1 when absent, -2 when not a number, negative or repeated.
     */
    static int contentLength(ByteBuf in, int start, int length) {
        int value = -1;
        int end = start + length;
        int lineStart = start;
        while (lineStart < end) {
            int lineEnd = in.indexOf(lineStart, end, LF);
            if (lineEnd < 0) {
                lineEnd = end;
            }
            int colon = in.indexOf(lineStart, lineEnd, (byte) ':');
            if (colon > lineStart && isContentLengthName(in, lineStart, colon)) {
                if (value != -1) {
                    return -2;
                }
                value = parseDigits(in, colon + 1, lineEnd);
                if (value < 0) {
                    return -2;
                }
            }
            lineStart = lineEnd + 1;
        }
        return value;
    }

    private static boolean isContentLengthName(ByteBuf in, int from, int colon) {
        int to = colon;
        while (to > from && isSpace(in.getByte(to - 1))) {
            to--;
        }
        int length = to - from;
        if (length == 1) {
            return (in.getByte(from) | 0x20) == 'l';
        }
        if (length != CONTENT_LENGTH.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            byte b = in.getByte(from + i);
            if ((b >= 'A' && b <= 'Z' ? b | 0x20 : b) != CONTENT_LENGTH[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decimal digits between optional whitespace; -1 when anything else is there or it overflows. */
    private static int parseDigits(ByteBuf in, int from, int to) {
        while (from < to && isSpace(in.getByte(from))) {
            from++;
        }
        while (to > from && (isSpace(in.getByte(to - 1)) || in.getByte(to - 1) == CR)) {
            to--;
        }
        if (from == to || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    private void fail(List<Object> out, String reason, ByteBuf in, int start, int headerLength) {
        failed = true;
        out.add(new SipInbound.FramingError(reason, ByteBufUtil.getBytes(in, start, Math.min(headerLength, in.writerIndex() - start))));
    }
}
