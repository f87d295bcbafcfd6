package io.voxgate.sip.location;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Locale;
import java.util.Optional;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;

/**
 * The SIP-over-TLS address a registered Contact names (RFC 3263 §4.2 without DNS): a {@code sips:}
 * URI or {@code transport=tls}, an IP literal host, port 5061 unless given. Anything else (UDP or
 * TCP contacts, host names) is not dialled.
 */
public final class ContactAddress {

    private static final int SIPS_PORT = 5061;
    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

    private ContactAddress() {
    }

    public static Optional<InetSocketAddress> of(String contact) {
        try {
            if (!(ADDRESSES.createURI(contact) instanceof SipUri uri)) {
                return Optional.empty();
            }
            String transport = uri.getTransportParam() == null ? null : uri.getTransportParam().toLowerCase(Locale.ROOT);
            if (!(uri.isSecure() && (transport == null || "tcp".equals(transport))) && !"tls".equals(transport)) {
                return Optional.empty();
            }
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (uri.getPort() == 0) {
                return Optional.empty(); // an explicit port 0: nowhere (sipp writes it for sockets it reuses)
            }
            InetAddress address = InetAddress.ofLiteral(host);
            int port = uri.getPort() > 0 ? uri.getPort() : SIPS_PORT;
            return Optional.of(new InetSocketAddress(address, port));
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty(); // a host name, or nothing a phone could be reached at
        }
    }
}
