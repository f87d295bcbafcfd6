package io.voxgate.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.voxgate.media.sdes.SdesCrypto;

/**
 * One {@code m=} section (RFC 4566 §5.14) with the lines under it. Immutable: the rewriting
 * methods return a changed copy.
 */
public final class MediaDescription {

    private final String media;
    private final int port;
    private final String portCount; // "/2" when the m= line gives a number of ports, else ""
    private final String proto;
    private final String formats;
    private final List<SdpLine> lines;

    private MediaDescription(String media, int port, String portCount, String proto, String formats, List<SdpLine> lines) {
        this.media = media;
        this.port = port;
        this.portCount = portCount;
        this.proto = proto;
        this.formats = formats;
        this.lines = List.copyOf(lines);
    }

    static MediaDescription parse(SdpLine mLine, List<SdpLine> lines, int number) {
        String[] parts = mLine.value().split(" ", 4);
        if (parts.length < 3) {
            throw new SdpException("line " + number + ": m= needs media, port and protocol: " + SdpException.shorten(mLine.value()));
        }
        String[] port = parts[1].split("/", 2);
        int value;
        try {
            value = Integer.parseInt(port[0]);
        } catch (NumberFormatException e) {
            throw new SdpException("line " + number + ": m= port is not a number: " + parts[1]);
        }
        if (value < 0 || value > 65_535) {
            throw new SdpException("line " + number + ": m= port out of range: " + value);
        }
        return new MediaDescription(parts[0], value, port.length > 1 ? "/" + port[1] : "", parts[2],
                parts.length > 3 ? parts[3] : "", lines);
    }

    public String media() {
        return media;
    }

    public int port() {
        return port;
    }

    public String proto() {
        return proto;
    }

    /** The payload type numbers (or other formats), untouched. */
    public String formats() {
        return formats;
    }

    public List<SdpLine> lines() {
        return lines;
    }

    /** RFC 3264 §6: port 0 declines the stream; the relay leaves it alone. */
    public boolean isRejected() {
        return port == 0;
    }

    /** SRTP profiles (RTP/SAVP, RTP/SAVPF) as opposed to plain RTP/AVP. */
    public boolean isSecure() {
        return proto.contains("/SAVP");
    }

    /** RFC 5761: RTP and RTCP on one port. */
    public boolean hasRtcpMux() {
        return lines.stream().anyMatch(line -> line.isAttribute("rtcp-mux"));
    }

    /** The media-level c= address, when this section has one (it overrides the session's). */
    public Optional<String> connectionAddress() {
        return lines.stream().filter(line -> line.type() == 'c').findFirst().map(line -> ConnectionData.address(line.value()));
    }

    /**
     * The {@code a=crypto} lines this relay can use, in offer order. A malformed line (a key of
     * the wrong length, say) is skipped when another line is usable, as RFC 4568 §7.1.1 has the
     * answerer pick an acceptable line; when none is, the first problem is thrown as
     * {@link SdpException}, naming the line and never the key. Lines that ask for SRTP without
     * encryption or without authentication ({@code UNENCRYPTED_SRTP}, {@code UNAUTHENTICATED_SRTP},
     * RFC 4568 §6.3.2) are never usable: the relay does not lower media security.
     */
    public List<SdesCrypto> cryptoLines() {
        List<SdesCrypto> crypto = new ArrayList<>();
        String problem = null;
        for (SdpLine line : lines) {
            if (line.isAttribute("crypto")) {
                try {
                    SdesCrypto.parse(line.attributeValue()).filter(SdesCrypto::keepsMediaSecure).ifPresent(crypto::add);
                } catch (IllegalArgumentException e) {
                    problem = problem == null ? media + " stream: " + e.getMessage() : problem;
                }
            }
        }
        if (crypto.isEmpty() && problem != null) {
            throw new SdpException(problem);
        }
        return crypto;
    }

    /**
     * This section as the relay sends it on: its port (and {@code a=rtcp}'s, RFC 3605) moved to
     * the relay's, a media-level c= pointed at the relay's address, and its crypto lines replaced
     * by {@code crypto} (none: the a=crypto lines are dropped). Every other line stays as it was.
     */
    public MediaDescription relayedAt(String address, int rtpPort, int rtcpPort, List<SdesCrypto> crypto) {
        List<SdpLine> rewritten = new ArrayList<>();
        boolean cryptoWritten = false;
        for (SdpLine line : lines) {
            if (line.type() == 'c') {
                rewritten.add(new SdpLine('c', ConnectionData.pointedAt(line.value(), address)));
            } else if (line.isAttribute("rtcp")) {
                // with rtcp-mux, a=rtcp naming the RTP port itself (RFC 5761 §5.1.3) keeps doing so
                boolean muxedOnRtpPort = hasRtcpMux() && rtcpPort().filter(p -> p == port).isPresent();
                rewritten.add(new SdpLine('a', "rtcp:" + (muxedOnRtpPort ? rtpPort : rtcpPort)
                        + rtcpAddressSuffix(line.attributeValue(), address)));
            } else if (line.isIce()) {
                continue;
            } else if (line.isAttribute("crypto")) {
                if (!cryptoWritten) {
                    crypto.forEach(c -> rewritten.add(new SdpLine('a', "crypto:" + c.toAttributeValue())));
                    cryptoWritten = true;
                }
            } else {
                rewritten.add(line);
            }
        }
        if (!cryptoWritten) {
            crypto.forEach(c -> rewritten.add(new SdpLine('a', "crypto:" + c.toAttributeValue())));
        }
        return new MediaDescription(media, rtpPort, portCount, proto, formats, rewritten);
    }

    /** The same section under another transport profile (RTP/AVP to RTP/SAVP when the relay secures a plain leg). */
    public MediaDescription withProto(String newProto) {
        return new MediaDescription(media, port, portCount, newProto, formats, lines);
    }

    /**
     * The section declined (RFC 3264 §6: port 0, formats kept); its a=crypto lines go, so a key
     * one phone sent never reaches the other.
     */
    public MediaDescription declined() {
        return new MediaDescription(media, 0, "", proto, formats,
                lines.stream().filter(line -> !line.isAttribute("crypto")).toList());
    }

    /** Declined, and a media-level c= pointed at {@code address}: a phone's address goes no further, even unused. */
    public MediaDescription declined(String address) {
        MediaDescription declined = declined();
        return new MediaDescription(media, 0, "", proto, formats, declined.lines.stream()
                .map(line -> line.type() == 'c' ? new SdpLine('c', ConnectionData.pointedAt(line.value(), address)) : line).toList());
    }

    /** RFC 3605 {@code a=rtcp:port}; empty when RTCP is on the next port up (RFC 3550 §11). */
    public Optional<Integer> rtcpPort() {
        return lines.stream().filter(line -> line.isAttribute("rtcp")).findFirst().map(line -> {
            String port = line.attributeValue().split(" ")[0];
            try {
                int value = Integer.parseInt(port);
                if (value < 1 || value > 65_535) {
                    throw new SdpException(media + " stream: a=rtcp port out of range: " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new SdpException(media + " stream: a=rtcp port is not a number: " + SdpException.shorten(port));
            }
        });
    }

    /** RFC 3264 §5.1: a=sendonly, a=recvonly or a=inactive at media level, if any. */
    public Optional<String> direction() {
        return lines.stream().filter(line -> line.type() == 'a' && DIRECTIONS.contains(line.value())).findFirst().map(SdpLine::value);
    }

    static final java.util.Set<String> DIRECTIONS = java.util.Set.of("sendrecv", "sendonly", "recvonly", "inactive");

    /** RFC 3605: {@code a=rtcp:port [nettype addrtype address]}; an address given there moves to the relay's too. */
    private static String rtcpAddressSuffix(String value, String address) {
        String[] parts = value.split(" ");
        return parts.length == 4 ? " " + parts[1] + " " + parts[2] + " " + (ConnectionData.isHold(parts[3]) ? parts[3] : address) : "";
    }

    SdpLine mLine() {
        return new SdpLine('m', media + " " + port + portCount + " " + proto + (formats.isEmpty() ? "" : " " + formats));
    }
}
