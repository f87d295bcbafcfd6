package io.voxgate.media.srtp;

import org.jitsi.utils.ByteArrayBuffer;

/**
 * One packet as jitsi-srtp sees it: a window of a reused array. The relay keeps one per event-loop
 * thread and copies each datagram in, so the transforms run in place and no packet allocates an
 * array. {@link #CAPACITY} leaves room for the largest datagram the relay accepts
 * ({@link #MAX_PACKET}) plus what protecting may append (an RFC 3711 tag and SRTCP index).
 */
public final class PacketBuffer implements ByteArrayBuffer {

    /** Larger datagrams are dropped before any crypto: RTP over a 1500-byte MTU never gets near. */
    public static final int MAX_PACKET = 1500;
    static final int CAPACITY = MAX_PACKET + 64;

    private final byte[] array = new byte[CAPACITY];
    private int offset;
    private int length;

    /** The array to copy a datagram into, at offset 0; then call {@link #reset(int)}. */
    public byte[] array() {
        return array;
    }

    /** The packet now is the first {@code packetLength} bytes of {@link #array()}. */
    public PacketBuffer reset(int packetLength) {
        if (packetLength < 0 || packetLength > MAX_PACKET) {
            throw new IllegalArgumentException("packet of " + packetLength + " bytes (at most " + MAX_PACKET + ")");
        }
        this.offset = 0;
        this.length = packetLength;
        return this;
    }

    /**
     * Removes {@code mkiLength} bytes that sit before a {@code tagLength}-byte tag at the end
     * (RFC 3711 §3.1: the MKI is not authenticated, and jitsi-srtp has no MKI support).
     */
    public void removeMki(int mkiLength, int tagLength) {
        if (mkiLength == 0 || length < mkiLength + tagLength) {
            return;
        }
        int tagStart = offset + length - tagLength;
        System.arraycopy(array, tagStart, array, tagStart - mkiLength, tagLength);
        length -= mkiLength;
    }

    @Override
    public byte[] getBuffer() {
        return array;
    }

    @Override
    public int getOffset() {
        return offset;
    }

    @Override
    public int getLength() {
        return length;
    }

    @Override
    public void setLength(int length) {
        if (length < 0 || offset + length > array.length) {
            throw new IllegalArgumentException("length " + length + " outside the buffer");
        }
        this.length = length;
    }

    @Override
    public void setOffset(int offset) {
        if (offset < 0 || offset + length > array.length) {
            throw new IllegalArgumentException("offset " + offset + " outside the buffer");
        }
        this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
        return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
        System.arraycopy(array, offset + off, out, 0, len);
    }

    /** The array is sized for the largest packet plus every append a transform makes: growing cannot be needed. */
    @Override
    public void grow(int howMuch) {
        if (offset + length + howMuch > array.length) {
            throw new IllegalStateException("packet of " + length + " bytes cannot grow by " + howMuch);
        }
    }

    @Override
    public void append(byte[] data, int len) {
        grow(len);
        System.arraycopy(data, 0, array, offset + length, len);
        length += len;
    }

    @Override
    public void shrink(int len) {
        length = len >= length ? 0 : length - len;
    }
}
