package io.voxgate.media.sdp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A session description (RFC 4566) as the relay handles it: the session-level lines, then the
 * media sections, each line kept as text so that what the relay does not rewrite goes out as it
 * came in. Hand-written rather than JAIN-SIP RI's SDP classes because those re-encode from their
 * object model, so nothing would pass through byte for byte, and the relay needs no more than
 * ordered lines and four rewrites. Lines may end in CRLF or a bare LF (§5 says CRLF, but stacks
 * send LF), and trailing spaces are dropped; output is always CRLF.
 */
public final class SessionDescription {

    /** Bigger than any real offer (a video call with many codecs is about 3 KB). */
    static final int MAX_BYTES = 16 * 1024;

    private final List<SdpLine> session;
    private final List<MediaDescription> media;

    private SessionDescription(List<SdpLine> session, List<MediaDescription> media) {
        this.session = List.copyOf(session);
        this.media = List.copyOf(media);
    }

    public static SessionDescription parse(byte[] sdp) {
        if (sdp.length > MAX_BYTES) {
            throw new SdpException("SDP of " + sdp.length + " bytes is over the " + MAX_BYTES + " byte limit");
        }
        String[] texts = new String(sdp, StandardCharsets.UTF_8).split("\r?\n");
        List<SdpLine> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        SdpLine mLine = null;
        int mNumber = 0;
        List<SdpLine> mediaLines = new ArrayList<>();
        boolean first = true;
        for (int i = 0; i < texts.length; i++) {
            if (texts[i].isBlank()) {
                continue; // a trailing empty line, or stray blank lines some phones send
            }
            // RFC 4566 allows no trailing white space, but phones send it (a Cisco SPA trace
            // has a space after every line): dropping it loses nothing and keeps the call.
            SdpLine line = SdpLine.parse(texts[i].stripTrailing(), i + 1);
            if (first && (line.type() != 'v' || !line.value().equals("0"))) {
                throw new SdpException("line " + (i + 1) + " must be v=0, was " + SdpException.shorten(texts[i]));
            }
            first = false;
            if (line.type() == 'm') {
                if (mLine != null) {
                    media.add(MediaDescription.parse(mLine, mediaLines, mNumber));
                }
                mLine = line;
                mNumber = i + 1;
                mediaLines = new ArrayList<>();
            } else if (mLine == null) {
                session.add(line);
            } else {
                mediaLines.add(line);
            }
        }
        if (session.isEmpty()) {
            throw new SdpException("empty SDP");
        }
        if (mLine != null) {
            media.add(MediaDescription.parse(mLine, mediaLines, mNumber));
        }
        return new SessionDescription(session, media);
    }

    public List<SdpLine> sessionLines() {
        return session;
    }

    public List<MediaDescription> media() {
        return media;
    }

    /** The session-level c= address, if there is one (each stream may have its own instead). */
    public Optional<String> connectionAddress() {
        return session.stream().filter(line -> line.type() == 'c').findFirst().map(line -> ConnectionData.address(line.value()));
    }

    /** Where a stream's media is sent: its own c=, else the session's (§5.7). */
    public Optional<String> connectionAddress(MediaDescription stream) {
        return stream.connectionAddress().or(this::connectionAddress);
    }

    /**
     * True when the description puts the call on hold (RFC 3264 §8.4: a=sendonly or a=inactive,
     * at session level or on every stream; RFC 2543's c=0.0.0.0 too), so silence is expected.
     */
    public boolean isHold() {
        boolean sessionHold = session.stream().anyMatch(line -> line.type() == 'a'
                && (line.value().equals("sendonly") || line.value().equals("inactive")))
                || connectionAddress().filter("0.0.0.0"::equals).isPresent();
        List<MediaDescription> active = media.stream().filter(m -> !m.isRejected()).toList();
        boolean everyStreamHeld = !active.isEmpty() && active.stream()
                .allMatch(m -> m.direction().filter(d -> d.equals("sendonly") || d.equals("inactive")).isPresent());
        return sessionHold || everyStreamHeld;
    }

    /**
     * The same description with the session-level c= (and the o= address, which phones compare)
     * pointed at {@code address} and each stream replaced by {@code streams}, one per m= line in
     * order (RFC 3264 §6: an answer keeps every m= line).
     */
    public SessionDescription relayedAt(String address, List<MediaDescription> streams) {
        if (streams.size() != media.size()) {
            throw new IllegalArgumentException(media.size() + " m= lines, " + streams.size() + " rewritten");
        }
        List<SdpLine> rewritten = new ArrayList<>();
        for (SdpLine line : session) {
            if (line.type() == 'c') {
                rewritten.add(new SdpLine('c', ConnectionData.pointedAt(line.value(), address)));
            } else if (line.type() == 'o') {
                rewritten.add(new SdpLine('o', originPointedAt(line.value(), address)));
            } else if (!line.isIce()) {
                rewritten.add(line);
            }
        }
        return new SessionDescription(rewritten, streams);
    }

    private static String originPointedAt(String value, String address) {
        String[] parts = value.split(" ");
        if (parts.length != 6) {
            throw new SdpException("o= needs six fields: " + SdpException.shorten(value));
        }
        return parts[0] + " " + parts[1] + " " + parts[2] + " IN " + (address.contains(":") ? "IP6" : "IP4") + " " + address;
    }

    public byte[] toBytes() {
        StringBuilder out = new StringBuilder(512);
        for (SdpLine line : session) {
            out.append(line.type()).append('=').append(line.value()).append("\r\n");
        }
        for (MediaDescription stream : media) {
            SdpLine m = stream.mLine();
            out.append('m').append('=').append(m.value()).append("\r\n");
            for (SdpLine line : stream.lines()) {
                out.append(line.type()).append('=').append(line.value()).append("\r\n");
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
