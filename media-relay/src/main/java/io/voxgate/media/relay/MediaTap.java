package io.voxgate.media.relay;

/**
 * Where the plaintext can be seen: each authenticated, decrypted RTP packet, before it is
 * re-encrypted for the other leg. Recording plugs in here. Called on the session's event loop
 * with the relay's reused buffer: copy what you keep, never block.
 */
@FunctionalInterface
public interface MediaTap {

    MediaTap NONE = (callId, stream, fromCaller, packet, offset, length) -> { };

    /**
     * @param stream     index of the m= line
     * @param fromCaller true for what the caller sent, false for the callee
     */
    void rtp(String callId, int stream, boolean fromCaller, byte[] packet, int offset, int length);
}
