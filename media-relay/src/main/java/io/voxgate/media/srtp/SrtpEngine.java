package io.voxgate.media.srtp;

import io.voxgate.media.sdes.CryptoSuite;
import io.voxgate.media.sdes.SdesCrypto;
import java.security.SecureRandom;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.JitsiOpenSslProvider;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;
import org.slf4j.LoggerFactory;

/**
 * Picks jitsi-srtp's AES implementation once, before the first call needs it. Left to itself,
 * jitsi-srtp benchmarks every provider inside the first context it builds (about 3 s on the 2-core
 * machine, on whichever thread gets there first) and its choice varied between runs
 * (shared/NOTES-dependencies.md). OpenSSL (its bundled JNI library over libcrypto.so.3) is as fast
 * as the JDK's AES here and allocates far less per packet, so it is taken when it loads.
 */
public final class SrtpEngine {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(SrtpEngine.class);
    private static final Logger JITSI_LOGGER = new LoggerImpl("io.voxgate.media.srtp");
    private static volatile String provider;

    private SrtpEngine() {
    }

    /** Chooses the provider and runs one protect/unprotect round per suite; returns the provider's name. */
    public static synchronized String start() {
        if (provider != null) {
            return provider;
        }
        boolean openSsl = JitsiOpenSslProvider.isLoaded();
        Aes.setFactoryClassName(openSsl ? Aes.class.getName() + "$OpenSSLCipherFactory" : Aes.class.getName() + "$SunJCECipherFactory");
        SecureRandom random = new SecureRandom();
        PacketBuffer packet = new PacketBuffer();
        for (CryptoSuite suite : CryptoSuite.values()) {
            SdesCrypto key = SdesCrypto.generate(1, suite, random);
            try (SrtpSender sender = new SrtpSender(key); SrtpReceiver receiver = new SrtpReceiver(key)) {
                byte[] rtp = packet.array();
                java.util.Arrays.fill(rtp, 0, 172, (byte) 0);
                rtp[0] = (byte) 0x80;
                packet.reset(172);
                if (sender.protectRtp(packet) != SrtpOutcome.OK || receiver.unprotectRtp(packet) != SrtpOutcome.OK) {
                    throw new IllegalStateException("SRTP self-test failed for " + suite);
                }
            }
        }
        provider = openSsl ? "OpenSSL" : "JCE";
        log.info("SRTP ready: AES and HMAC-SHA1 through {}", provider);
        return provider;
    }

    /** The provider chosen by {@link #start()}, or null before it ran. */
    public static String provider() {
        return provider;
    }

    static Logger logger() {
        return JITSI_LOGGER;
    }
}
