package io.voxgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyAlgorithmTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {"ec-p256|EC_P256", "rsa-2048|RSA_2048", "EC-P256|EC_P256", "' rsa-2048 '|RSA_2048"})
    void configValuesParseCaseInsensitively(String configValue, KeyAlgorithm expected) {
        assertThat(KeyAlgorithm.fromConfig(configValue)).isEqualTo(expected);
    }

    @Test
    void unknownConfigValueIsRejectedNamingTheAcceptedValues() {
        assertThatThrownBy(() -> KeyAlgorithm.fromConfig("ed25519"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ed25519'")
                .hasMessageContaining("ec-p256, rsa-2048");
    }

    @Test
    void defaultIsEcP256() {
        assertThat(KeyAlgorithm.DEFAULT).isEqualTo(KeyAlgorithm.EC_P256);
    }

    @Test
    void ecP256GeneratesKeysOnThe256BitCurveThatSignWithEcdsa() {
        // when
        KeyPair keys = KeyAlgorithm.EC_P256.generateKeyPair();

        // then
        assertThat(((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize()).isEqualTo(256);
        assertThat(KeyAlgorithm.of(keys.getPublic()).signatureAlgorithm()).isEqualTo("SHA256withECDSA");
    }

    @Test
    void rsa2048GeneratesKeysWithA2048BitModulusThatSignWithRsa() {
        // when
        KeyPair keys = KeyAlgorithm.RSA_2048.generateKeyPair();

        // then
        assertThat(((RSAPublicKey) keys.getPublic()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(KeyAlgorithm.of(keys.getPublic()).signatureAlgorithm()).isEqualTo("SHA256withRSA");
    }
}
