package io.voxgate.media.relay;

import java.io.Serializable;

/** The relay's reply to an offer or answer. */
public sealed interface RelayResult extends Serializable {

    /** The SDP to send on instead of the one received. */
    record Relayed(byte[] sdp) implements RelayResult {
    }

    /**
     * Not relayable: answer the request with this SIP status (488 for media the policy refuses,
     * 503 when the relay is out of ports) and {@code reason} in a Warning header.
     */
    record Refused(int sipStatus, String reason) implements RelayResult {
    }
}
