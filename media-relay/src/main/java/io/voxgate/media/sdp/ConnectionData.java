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

    /**
     * The same c= value naming {@code address} (IP4 or IP6 as the address is). A hold written the
     * RFC 2543 way, c=0.0.0.0 ("send me nothing", RFC 3264 §8.4), stays as it is.
     */
    static String pointedAt(String value, String address) {
        if (isHold(address(value))) {
            return value;
        }
        return "IN " + (address.contains(":") ? "IP6" : "IP4") + " " + address;
    }

    static boolean isHold(String address) {
        return address.equals("0.0.0.0") || address.equals("::");
    }
}
