package io.voxgate.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {

    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void argon2idAgreesWithTheReferenceImplementation() {
        // the reference implementation's CLI (Debian package argon2):
        // echo -n password | argon2 somesalt -id -t 2 -m 16 -p 1 -l 32 -r
        byte[] hash = PasswordHasher.argon2id("password".toCharArray(), "somesalt".getBytes(StandardCharsets.US_ASCII), 65536, 2, 1, 32);
        assertThat(HexFormat.of().formatHex(hash)).isEqualTo("09316115d5cf24ed5a15a31a3ba326e5cf32edc24702987c02b6566f61913cf7");
    }

    @Test
    void aPasswordMatchesItsOwnHashOnlyAndEachHashHasItsSalt() {
        String stored = hasher.hash("correct horse battery staple".toCharArray());

        assertThat(stored).startsWith("$argon2id$v=19$m=65536,t=3,p=1$");
        assertThat(hasher.matches("correct horse battery staple".toCharArray(), stored)).isTrue();
        assertThat(hasher.matches("correct horse battery stapl".toCharArray(), stored)).isFalse();
        assertThat(hasher.hash("correct horse battery staple".toCharArray())).isNotEqualTo(stored);
        assertThat(hasher.needsRehash(stored)).isFalse();
    }

    @Test
    void malformedOrWeakStoredHashesNeverMatchOrAskForARehash() {
        assertThat(hasher.matches("x".toCharArray(), "$2a$10$abcdefghijklmnopqrstuv")).isFalse();
        assertThat(hasher.matches("x".toCharArray(), null)).isFalse();
        assertThat(hasher.matches("x".toCharArray(), "$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();
        assertThat(hasher.needsRehash("$argon2id$v=19$m=4096,t=1,p=1$c29tZXNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isTrue();
    }
}
