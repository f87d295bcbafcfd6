package io.voxgate.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The key types the switch's PKI issues. EC P-256 is the default; RSA 2048 exists for phones whose
 * TLS stacks cannot do ECDSA.
 *
 * <p>A certificate's signature algorithm follows its <em>issuer's</em> key, so a phone that cannot
 * verify ECDSA needs a PKI initialised with {@link #RSA_2048}, not just an RSA device key.
 */
public enum KeyAlgorithm {
    EC_P256("ec-p256", "EC", "SHA256withECDSA", new ECGenParameterSpec("secp256r1")),
    RSA_2048("rsa-2048", "RSA", "SHA256withRSA", new RSAKeyGenParameterSpec(2048, RSAKeyGenParameterSpec.F4));

    public static final KeyAlgorithm DEFAULT = EC_P256;

    private final String configName;
    private final String jcaKeyAlgorithm;
    private final String signatureAlgorithm;
    private final AlgorithmParameterSpec keySpec;

    KeyAlgorithm(String configName, String jcaKeyAlgorithm, String signatureAlgorithm, AlgorithmParameterSpec keySpec) {
        this.configName = configName;
        this.jcaKeyAlgorithm = jcaKeyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
        this.keySpec = keySpec;
    }

    /** Parses a configuration value such as {@code ec-p256} or {@code rsa-2048} (case-insensitive). */
    public static KeyAlgorithm fromConfig(String value) {
        String wanted = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.configName.equals(wanted)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unknown key algorithm '" + value + "'; accepted values: " + acceptedConfigNames());
    }

    /** The algorithm of an existing key, e.g. a CA's, which decides how that CA signs. */
    public static KeyAlgorithm of(PublicKey key) {
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.jcaKeyAlgorithm.equals(key.getAlgorithm())) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm() + "; accepted: " + acceptedConfigNames());
    }

    public KeyPair generateKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaKeyAlgorithm);
            generator.initialize(keySpec, new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new PkiException("the JDK cannot generate " + configName + " keys", e);
        }
    }

    public String configName() {
        return configName;
    }

    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** RSA keys can also carry TLS key transport; EC keys only sign (RFC 5280 §4.2.1.3). */
    boolean canEncipherKeys() {
        return this == RSA_2048;
    }

    private static String acceptedConfigNames() {
        return Arrays.stream(values()).map(KeyAlgorithm::configName).collect(Collectors.joining(", "));
    }
}
