package io.voxgate.sip.location;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.Locale;
import java.util.Optional;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;
import io.voxgate.sip.transport.SipFlow;

/**
 * The SIP-over-TLS address a registered Contact names (RFC 3263 §4.2 without DNS): a {@code sips:}
 * URI or {@code transport=tls}, an IP literal host, port 5061 unless given. Anything else (UDP or
 * TCP contacts, host names) is not dialled. And only a Contact on the very host the REGISTER came
 * from is dialled ({@link #dialable}): otherwise any user could make the switch open connections to
 * addresses of their choosing (its loopback, the internal network, another tenant's phone).
 */
public final class ContactAddress {

    private static final AddressFactoryImpl ADDRESSES = new AddressFactoryImpl();

    private ContactAddress() {
    }

    /**
     * Where the switch may dial {@code binding}: its Contact's TLS address, when that is on the host
     * the registration came from and is not the registering connection's own source port.
     */
    public static Optional<InetSocketAddress> dialable(Binding binding) {
        Optional<InetSocketAddress> source = sourceOf(binding.source());
        return of(binding.contact()).filter(address -> source.isPresent()
                && address.getAddress().equals(source.get().getAddress()) && !address.equals(source.get()));
    }

    /** The registering connection's remote address, as {@link InetSocketAddress#toString()} wrote it ("[host]/ip:port"). */
    private static Optional<InetSocketAddress> sourceOf(String source) {
        if (source == null) {
            return Optional.empty();
        }
        String hostPort = source.substring(source.indexOf('/') + 1);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return Optional.of(new InetSocketAddress(InetAddress.ofLiteral(host), Integer.parseInt(hostPort.substring(colon + 1))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static Optional<InetSocketAddress> of(String contact) {
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
            int port = uri.getPort() > 0 ? uri.getPort() : SipFlow.DEFAULT_TLS_PORT;
            return Optional.of(new InetSocketAddress(address, port));
        } catch (ParseException | IllegalArgumentException e) {
            return Optional.empty(); // a host name, or nothing a phone could be reached at
        }
    }
}
