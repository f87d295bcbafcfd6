package io.voxgate.sip.ua;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Properties;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import gov.nist.core.net.SecurityManagerProvider;

/**
 * The TLS keys of one RI stack ({@code gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER}), read from
 * that stack's own properties: so nothing is set in the JVM-wide {@code javax.net.ssl.*} system
 * properties, which would leak into every other test in the same JVM. Trusts only the given root
 * (the switch's CA); the key store is the stack's listener certificate. Outgoing connections
 * present no client certificate: the switch then treats the phone as one without a device
 * certificate.
 */
public final class RiTlsKeys implements SecurityManagerProvider {

    /** PEM file of the one root CA that server certificates must chain to. */
    public static final String TRUSTED_ROOT_PEM = "io.voxgate.test.ua.TRUSTED_ROOT_PEM";
    /** PKCS#12 file with the key and certificate chain this stack's TLS listener presents. */
    public static final String LISTENER_KEYSTORE = "io.voxgate.test.ua.LISTENER_KEYSTORE";
    public static final String LISTENER_KEYSTORE_PASSWORD = "io.voxgate.test.ua.LISTENER_KEYSTORE_PASSWORD";

    private KeyManager[] listenerKeys;
    private TrustManager[] trusted;

    @Override
    public void init(Properties properties) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream pem = Files.newInputStream(Path.of(required(properties, TRUSTED_ROOT_PEM)))) {
            trust.setCertificateEntry("root", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trustFactory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustFactory.init(trust);
        trusted = trustFactory.getTrustManagers();

        char[] password = required(properties, LISTENER_KEYSTORE_PASSWORD).toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(required(properties, LISTENER_KEYSTORE)))) {
            keys.load(in, password);
        }
        KeyManagerFactory keyFactory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyFactory.init(keys, password);
        listenerKeys = keyFactory.getKeyManagers();
    }

    /** For the listener ({@code client} false) its certificate; as a client none (the JDK's empty default). */
    @Override
    public KeyManager[] getKeyManagers(boolean client) {
        return client ? null : listenerKeys;
    }

    @Override
    public TrustManager[] getTrustManagers(boolean client) {
        return trusted;
    }

    private static String required(Properties properties, String name) throws IOException {
        String value = properties.getProperty(name);
        if (value == null) {
            throw new IOException("RI stack property " + name + " is not set");
        }
        return value;
    }
}
