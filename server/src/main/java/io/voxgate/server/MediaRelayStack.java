package io.voxgate.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.media.relay.MediaRelay;
import io.voxgate.media.relay.MediaTap;
import io.voxgate.media.relay.PortPool;
import io.voxgate.media.relay.RelayTransport;
import io.voxgate.server.settings.VoxgateSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The SRTP relay as the switch runs it: its event loops, port range and the address SDP names. */
final class MediaRelayStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaRelayStack.class);
    /** 0 in voxgate.yml: no timeout; the sweep still needs a period, and a year is never in practice. */
    private static final Duration NEVER = Duration.ofDays(365);

    private final RelayTransport transport;
    private final MediaRelay relay;

    MediaRelayStack(VoxgateSettings.Media settings, MeterRegistry metrics) {
        String advertised = advertisedAddress(settings);
        this.transport = new RelayTransport(InetAddress.ofLiteral(settings.listenAddress()), Runtime.getRuntime().availableProcessors());
        Duration timeout = settings.inactivityTimeoutSeconds() == 0 ? NEVER : Duration.ofSeconds(settings.inactivityTimeoutSeconds());
        PortPool ports = new PortPool(settings.portMin(), settings.portMax());
        this.relay = new MediaRelay(transport, ports, advertised, timeout, MediaTap.NONE, metrics);
        log.info("media relay on {} ports {}-{} ({} pairs, {}), SDP names {} (media.advertised-address), media timeout {}",
                settings.listenAddress(), settings.portMin(), settings.portMax(), ports.capacity(),
                transport.isEpoll() ? "epoll" : "NIO", advertised,
                settings.inactivityTimeoutSeconds() == 0 ? "off" : settings.inactivityTimeoutSeconds() + " s");
    }

    MediaRelay relay() {
        return relay;
    }

    /**
     * media.advertised-address when set; else media.listen-address when it is one address; else
     * the first IPv4 address of an interface that is up and not loopback (logged, so an operator
     * with several sees which one phones get), or 127.0.0.1 on a host with none.
     */
    static String advertisedAddress(VoxgateSettings.Media settings) {
        if (!settings.advertisedAddress().isEmpty()) {
            return settings.advertisedAddress();
        }
        InetAddress listen = InetAddress.ofLiteral(settings.listenAddress());
        if (!listen.isAnyLocalAddress()) {
            return listen.getHostAddress();
        }
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(MediaRelayStack::isUsable)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress())
                    .map(InetAddress::getHostAddress)
                    .findFirst().orElse("127.0.0.1");
        } catch (SocketException e) {
            return "127.0.0.1";
        }
    }

    private static boolean isUsable(NetworkInterface network) {
        try {
            return network.isUp() && !network.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    @Override
    public void close() {
        relay.close();
        transport.close();
    }
}
