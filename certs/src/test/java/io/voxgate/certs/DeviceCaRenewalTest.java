package io.voxgate.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renewing the device CA near its expiry keeps every phone certificate it issued working. */
class DeviceCaRenewalTest {

    /** A clock the test moves forward through the years. */
    private static final class YearsClock extends Clock {
        private Instant now;

        YearsClock(Instant start) {
            now = start;
        }

        void advanceYears(double years) {
            now = now.plus((long) (years * 365.25 * 86_400), ChronoUnit.SECONDS);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dir;

    @Test
    void phonesIssuedBeforeTheRenewalStillValidateAfterTheOldCaCertificateExpires() throws Exception {
        YearsClock clock = new YearsClock(Instant.parse("2026-01-01T00:00:00Z"));
        SwitchPki pki = SwitchPki.open(dir, TestPkis.PASSWORD, clock);
        pki.init(KeyAlgorithm.EC_P256, TestPkis.ORGANISATION, TestPkis.DNS_NAMES, TestPkis.IP_ADDRESSES);
        var oldCa = pki.deviceCaCertificate();
        clock.advanceYears(12);
        IssuedDevice phone = pki.issueDevice(TestPkis.PHONE, KeyAlgorithm.EC_P256); // capped at the old CA's expiry

        clock.advanceYears(2);
        var renewed = pki.renewDeviceCa();

        assertThat(renewed.getPublicKey()).isEqualTo(oldCa.getPublicKey());
        assertThat(renewed.getSubjectX500Principal()).isEqualTo(oldCa.getSubjectX500Principal());
        assertThat(renewed.getNotAfter()).isAfter(oldCa.getNotAfter());
        assertThat(SwitchPki.open(dir, TestPkis.PASSWORD, clock).deviceCaCertificate()).as("stored").isEqualTo(renewed);
        DeviceCertificateVerifier verifier = verifierAt(pki, clock);
        assertThat(verifier.verify(new X509CertificateArray(phone).get()).mac()).isEqualTo(TestPkis.PHONE.canonical());

        IssuedDevice later = pki.issueDevice(TestPkis.OTHER_PHONE, KeyAlgorithm.EC_P256);
        assertThat(later.certificate().getNotAfter()).as("no longer capped at the old expiry").isAfter(oldCa.getNotAfter());
        clock.advanceYears(1.5); // past the old CA certificate's expiry
        assertThat(verifierAt(pki, clock).verify(new X509CertificateArray(later).get()).mac()).isEqualTo(TestPkis.OTHER_PHONE.canonical());
    }

    @Test
    void aPhoneCertificateCannotOutliveItsOwnExpiryThroughARenewal() throws Exception {
        YearsClock clock = new YearsClock(Instant.parse("2026-01-01T00:00:00Z"));
        SwitchPki pki = SwitchPki.open(dir, TestPkis.PASSWORD, clock);
        pki.init(KeyAlgorithm.EC_P256, TestPkis.ORGANISATION, TestPkis.DNS_NAMES, TestPkis.IP_ADDRESSES);
        IssuedDevice phone = pki.issueDevice(TestPkis.PHONE, KeyAlgorithm.EC_P256);
        clock.advanceYears(10.5); // the phone's own 10 years are over
        pki.renewDeviceCa();

        assertThatThrownBy(() -> verifierAt(pki, clock).verify(new X509CertificateArray(phone).get()))
                .isInstanceOfSatisfying(CertificateRefusal.class, r -> assertThat(r.reason()).isEqualTo(CertificateRefusal.Reason.EXPIRED));
    }

    private static DeviceCertificateVerifier verifierAt(SwitchPki pki, Clock clock) {
        return new DeviceCertificateVerifier(pki, List.of(), () -> Date.from(clock.instant()));
    }

    /** The phone's certificate alone, as phones send it. */
    private record X509CertificateArray(IssuedDevice device) {
        java.security.cert.X509Certificate[] get() {
            return new java.security.cert.X509Certificate[] {device.certificate()};
        }
    }
}
