package io.voxgate.media.sdp;

/** The {@code c=<nettype> <addrtype> <address>} field (RFC 4566 §5.7). */
final class ConnectionData {

    private ConnectionData() {
    }

    static String address(String value) {
        String[] parts = value.split(" ");
        if (parts.length != 3) {
            throw new SdpException("c= needs nettype, addrtype and address: " + SdpException.shorten(value));
        }
        return parts[2];
    }

    /** The same c= value naming {@code address} (IP4 or IP6 as the address is). */
    static String pointedAt(String value, String address) {
        address(value); // refuses a malformed c= before replacing it
        return "IN " + (address.contains(":") ? "IP6" : "IP4") + " " + address;
    }
}
