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
        // One pass over the header lines, LF to LF (ByteBuf.indexOf searches a word at a time):
        // where the blank line is, whether a limit is broken, and the Content-Length.
        int searchEnd = Math.min(in.writerIndex(), start + limits.maxHeaderBytes());
        int lineStart = start;
        int lines = 0;
        int contentLength = -1;
        while (true) {
            int lf = in.indexOf(lineStart, searchEnd, LF);
            if (lf < 0) {
                if (in.readableBytes() >= limits.maxHeaderBytes()) {
                    fail(out, "headers exceed " + limits.maxHeaderBytes() + " bytes", in, start, limits.maxHeaderBytes());
                } else if (searchEnd - lineStart > limits.maxLineLength()) {
                    fail(out, "a header line exceeds " + limits.maxLineLength() + " bytes", in, start, searchEnd - start);
                }
                return false; // wait for more
            }
            if (lf == lineStart + 1 && in.getByte(lineStart) == CR && lines > 0) {
                break; // the blank line: CRLF CRLF
            }
            if (lf - lineStart > limits.maxLineLength()) {
                fail(out, "a header line exceeds " + limits.maxLineLength() + " bytes", in, start, lf - start);
                return false;
            }
            if (++lines > limits.maxHeaderLines()) {
                fail(out, "more than " + limits.maxHeaderLines() + " header lines", in, start, lf - start);
                return false;
            }
            if (lines > 1 && contentLength != -2 && isContentLengthLine(in, lineStart, lf)) {
                int colon = in.indexOf(lineStart, lf, (byte) ':');
                int value = parseDigits(in, colon + 1, lf);
                contentLength = contentLength != -1 || value < 0 ? -2 : value; // repeated or not a number: invalid
            }
            lineStart = lf + 1;
        }
        int headerLength = lineStart - 2 - start; // up to, not including, the blank line's CRLF CRLF
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

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(StandardCharsets.US_ASCII);

    /** Whether the line names Content-Length (or the compact "l"), read straight from the buffer: no String per message. */
    private static boolean isContentLengthLine(ByteBuf in, int lineStart, int lineEnd) {
        byte first = (byte) (in.getByte(lineStart) | 0x20);
        if (first != 'c' && first != 'l') {
            return false;
        }
        int colon = in.indexOf(lineStart, lineEnd, (byte) ':');
        return colon > lineStart && isContentLengthName(in, lineStart, colon);
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
