package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.PASSWORD;
import static io.voxgate.certs.TestPkis.PHONE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CRLReason;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One PKI directory used by two {@link SwitchPki} at once, as by the running switch and a
 * {@code voxgate certs} command.
 */
class SharedDirectoryTest {
    private static final int REVOCATIONS_EACH = 20;

    @TempDir
    Path directory;

    private Path pkiDirectory() {
        return directory.resolve("pki");
    }

    @Test
    void crlNumbersKeepIncreasingWhenTwoInstancesShareADirectory() {
        // given the switch (A) and an operator command (B) on one directory, and B revoked a phone
        SwitchPki a = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        SwitchPki b = SwitchPki.open(pkiDirectory(), PASSWORD);
        IssuedDevice phone = b.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        b.revoke(PHONE, CRLReason.KEY_COMPROMISE);
        BigInteger publishedByB = CrlIssuer.crlNumberOf(b.currentCrl());

        // when the switch re-signs its CRL
        X509CRL regenerated = a.regenerateCrl();

        // then
        assertThat(CrlIssuer.crlNumberOf(regenerated)).isGreaterThan(publishedByB);
        assertThat(regenerated.isRevoked(phone.certificate())).isTrue();
    }

    @Test
    void currentCrlSeesARevocationMadeByAnotherInstance() {
        // given the switch (A) has looked at its CRL
        SwitchPki a = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        SwitchPki b = SwitchPki.open(pkiDirectory(), PASSWORD);
        IssuedDevice phone = b.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        a.currentCrl();

        // when an operator command (B) revokes the phone
        b.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThat(a.currentCrl().isRevoked(phone.certificate())).isTrue();
        assertThat(a.currentCrl()).isEqualTo(b.currentCrl());
    }

    @Test
    void concurrentRevocationsFromTwoInstancesAreAllKept() throws Exception {
        // given
        SwitchPki a = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        SwitchPki b = SwitchPki.open(pkiDirectory(), PASSWORD);

        // when
        revokeAtOnceFromTwoThreads(a, b);

        // then
        assertEveryRevocationIsKept(a, 2 * REVOCATIONS_EACH);
    }

    @Test
    void concurrentRevocationsThroughASymlinkToTheDirectoryAreAllKept() throws Exception {
        // given a second instance that reaches the directory through a symbolic link
        SwitchPki a = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        SwitchPki b = SwitchPki.open(Files.createSymbolicLink(directory.resolve("pki-link"), pkiDirectory()), PASSWORD);

        // when
        revokeAtOnceFromTwoThreads(a, b);

        // then
        assertEveryRevocationIsKept(a, 2 * REVOCATIONS_EACH);
    }

    @Test
    void concurrentRevocationsFromTwoProcessesAreAllKept() throws Exception {
        // given another process that has opened the same directory
        SwitchPki pki = TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);
        Process other = RevokingProcess.startReady(pkiDirectory(), 1 + REVOCATIONS_EACH, REVOCATIONS_EACH);

        try {
            // when both revoke at once
            RevokingProcess.go(other);
            revokeSerials(pki, 1, new CountDownLatch(0));

            // then
            String output = RevokingProcess.remainingOutput(other);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
            assertThat(other.exitValue()).as(output).isZero();
            assertEveryRevocationIsKept(pki, 2 * REVOCATIONS_EACH);
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void initIfAbsentLoadsThePkiAnotherInstanceCreatedMeanwhile() {
        // given two instances opened on an empty directory
        SwitchPki a = SwitchPki.open(pkiDirectory(), PASSWORD);
        SwitchPki b = SwitchPki.open(pkiDirectory(), PASSWORD);
        a.init(KeyAlgorithm.EC_P256, TestPkis.ORGANISATION, TestPkis.DNS_NAMES, TestPkis.IP_ADDRESSES);

        // when
        boolean created = b.initIfAbsent(KeyAlgorithm.EC_P256, TestPkis.ORGANISATION, TestPkis.DNS_NAMES, TestPkis.IP_ADDRESSES);

        // then
        assertThat(created).isFalse();
        assertThat(b.rootCaFingerprint()).isEqualTo(a.rootCaFingerprint());
    }

    @Test
    void lockFileIsReadableByTheOwnerOnly() throws IOException {
        TestPkis.initialised(pkiDirectory(), KeyAlgorithm.EC_P256);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pkiDirectory().resolve(".pki.lock"))))
                .isEqualTo("rw-------");
    }

    /** A revokes serials 1 to N while B revokes N + 1 to 2N. */
    private static void revokeAtOnceFromTwoThreads(SwitchPki a, SwitchPki b) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
            Future<?> fromA = threads.submit(() -> revokeSerials(a, 1, start));
            Future<?> fromB = threads.submit(() -> revokeSerials(b, 1 + REVOCATIONS_EACH, start));
            start.countDown();
            fromA.get();
            fromB.get();
        }
    }

    private static Void revokeSerials(SwitchPki pki, long first, CountDownLatch start) throws InterruptedException {
        start.await();
        for (int i = 0; i < REVOCATIONS_EACH; i++) {
            pki.revoke(BigInteger.valueOf(first + i), CRLReason.KEY_COMPROMISE);
        }
        return null;
    }

    private static void assertEveryRevocationIsKept(SwitchPki pki, int count) {
        List<BigInteger> serials = LongStream.rangeClosed(1, count).mapToObj(BigInteger::valueOf).toList();
        X509CRL crl = pki.currentCrl();
        assertThat(pki.revocations()).extracting(Revocation::serial).containsExactlyInAnyOrderElementsOf(serials);
        assertThat(crl.getRevokedCertificates()).extracting(X509CRLEntry::getSerialNumber)
                .containsExactlyInAnyOrderElementsOf(serials);
        // CRL 1 came from init, then one per revocation: no number was skipped or used twice.
        assertThat(CrlIssuer.crlNumberOf(crl)).isEqualTo(BigInteger.valueOf(1 + count));
    }
}
