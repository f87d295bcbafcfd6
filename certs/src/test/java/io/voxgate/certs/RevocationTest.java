package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.OTHER_PHONE;
import static io.voxgate.certs.TestPkis.PASSWORD;
import static io.voxgate.certs.TestPkis.PHONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationTest {
    @TempDir
    Path directory;

    private SwitchPki pki;

    @BeforeEach
    void initialisedPki() {
        pki = TestPkis.initialised(directory.resolve("pki"), KeyAlgorithm.EC_P256);
    }

    @Test
    void revokedDeviceFailsPkixValidationAgainstTheCrl() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThatThrownBy(() -> Pkix.validateAgainstCrl(pki.rootCaCertificate(), phone.chain(), pki.currentCrl()))
                .isInstanceOf(CertPathValidatorException.class)
                .extracting(e -> ((CertPathValidatorException) e).getReason())
                .isEqualTo(CertPathValidatorException.BasicReason.REVOKED);
    }

    @Test
    void unrevokedDevicePassesPkixValidationAgainstTheCrl() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        pki.issueDevice(OTHER_PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(OTHER_PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThatCode(() -> Pkix.validateAgainstCrl(pki.rootCaCertificate(), phone.chain(), pki.currentCrl()))
                .doesNotThrowAnyException();
    }

    @Test
    void opensslRejectsARevokedDeviceWhenCheckingTheCrl() {
        // given
        pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        Openssl.Result result = opensslVerifyWithCrl(PHONE);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).contains("certificate revoked");
    }

    @Test
    void opensslAcceptsAnUnrevokedDeviceWhenCheckingTheCrl() {
        // given
        pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        pki.issueDevice(OTHER_PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(OTHER_PHONE, CRLReason.KEY_COMPROMISE);

        // then
        Openssl.Result result = opensslVerifyWithCrl(PHONE);
        assertThat(result.succeeded()).as(result.output()).isTrue();
    }

    @Test
    void crlIsSignedByTheDeviceCaAndNamesItsKey() throws Exception {
        X509CRL crl = pki.currentCrl();

        assertThat(crl.getIssuerX500Principal()).isEqualTo(pki.deviceCaCertificate().getSubjectX500Principal());
        assertThatCode(() -> crl.verify(pki.deviceCaCertificate().getPublicKey())).doesNotThrowAnyException();
        assertThat(TestPkis.authorityKeyId(crl)).isEqualTo(TestPkis.subjectKeyId(pki.deviceCaCertificate()));
    }

    @Test
    void freshPkiPublishesAnEmptyCrlNumberOne() {
        X509CRL crl = pki.currentCrl();

        assertThat(crl.getRevokedCertificates()).isNull();
        assertThat(CrlIssuer.crlNumberOf(crl)).isEqualTo(BigInteger.ONE);
    }

    @Test
    void crlNumberGrowsWithEveryPublication() {
        // given
        BigInteger first = CrlIssuer.crlNumberOf(pki.currentCrl());
        pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.SUPERSEDED);
        BigInteger afterRevocation = CrlIssuer.crlNumberOf(pki.currentCrl());
        BigInteger afterRegeneration = CrlIssuer.crlNumberOf(pki.regenerateCrl());

        // then
        assertThat(afterRevocation).isGreaterThan(first);
        assertThat(afterRegeneration).isGreaterThan(afterRevocation);
    }

    @Test
    void crlMustBeRenewedWithinSevenDays() {
        X509CRL crl = pki.regenerateCrl();

        assertThat(Duration.between(crl.getThisUpdate().toInstant(), crl.getNextUpdate().toInstant()))
                .isEqualTo(Duration.ofDays(7));
    }

    @Test
    void storedCrlFileIsTheCurrentCrlInPem() throws IOException {
        // when
        X509CRL regenerated = pki.regenerateCrl();

        // then
        Path file = pki.directory().resolve("device-ca.crl");
        assertThat(Files.readString(file)).startsWith("-----BEGIN X509 CRL-----");
        assertThat(PemFiles.readCrl(file)).isEqualTo(regenerated);
    }

    @Test
    void crlEntryCarriesTheRevocationReason() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThat(pki.currentCrl().getRevokedCertificate(phone.certificate()).getRevocationReason())
                .isEqualTo(CRLReason.KEY_COMPROMISE);
    }

    @Test
    void unspecifiedReasonIsLeftOffTheCrlEntryAsRfc5280Asks() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.UNSPECIFIED);

        // then
        assertThat(pki.currentCrl().getRevokedCertificate(phone.certificate()).getRevocationReason()).isNull();
    }

    @Test
    void revocationsSurviveAReopen() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        Revocation revocation = pki.revoke(PHONE, CRLReason.CESSATION_OF_OPERATION);

        // when
        SwitchPki reopened = SwitchPki.open(pki.directory(), PASSWORD);

        // then
        assertThat(reopened.revocations()).containsExactly(revocation);
        assertThat(reopened.currentCrl().isRevoked(phone.certificate())).isTrue();
    }

    @Test
    void revocationsSurviveARegenerationAfterAReopen() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        pki.revoke(PHONE, CRLReason.CESSATION_OF_OPERATION);
        BigInteger numberBeforeRestart = CrlIssuer.crlNumberOf(pki.currentCrl());

        // when
        X509CRL regenerated = SwitchPki.open(pki.directory(), PASSWORD).regenerateCrl();

        // then
        assertThat(regenerated.isRevoked(phone.certificate())).isTrue();
        assertThat(CrlIssuer.crlNumberOf(regenerated)).isGreaterThan(numberBeforeRestart);
    }

    @Test
    void crlEntryDoesNotPostdateTheCrlThatListsIt() {
        // given a PKI whose clock stands still
        Clock frozen = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
        SwitchPki pki = SwitchPki.open(directory.resolve("frozen"), PASSWORD, frozen);
        pki.init(KeyAlgorithm.EC_P256, TestPkis.ORGANISATION, TestPkis.DNS_NAMES, TestPkis.IP_ADDRESSES);
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        X509CRL crl = pki.currentCrl();
        assertThat(crl.getRevokedCertificate(phone.certificate()).getRevocationDate()).isBeforeOrEqualTo(crl.getThisUpdate());
    }

    @Test
    void olderCertificateOfTheSameMacCanBeRevokedBySerial() {
        // given the phone was re-provisioned
        IssuedDevice older = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        IssuedDevice newer = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        pki.revoke(older.certificate().getSerialNumber(), CRLReason.SUPERSEDED);

        // then
        assertThat(pki.currentCrl().isRevoked(older.certificate())).isTrue();
        assertThat(pki.currentCrl().isRevoked(newer.certificate())).isFalse();
    }

    @Test
    void revokingBySerialTwiceKeepsTheFirstRevocation() {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);
        Revocation first = pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // when
        Revocation second = pki.revoke(phone.certificate().getSerialNumber(), CRLReason.SUPERSEDED);

        // then
        assertThat(second).isEqualTo(first);
        assertThat(pki.revocations()).containsExactly(first);
    }

    @Test
    void revokingAMacThatHasNoCertificateIsRejectedNamingTheMac() {
        assertThatThrownBy(() -> pki.revoke(OTHER_PHONE, CRLReason.KEY_COMPROMISE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no device certificate for MAC 000413123456");
    }

    @Test
    void revocationFileListsSerialDateAndReasonSeparatedByTabs() throws IOException {
        // given
        IssuedDevice phone = pki.issueDevice(PHONE, KeyAlgorithm.EC_P256);

        // when
        Revocation revocation = pki.revoke(PHONE, CRLReason.KEY_COMPROMISE);

        // then
        assertThat(Files.readAllLines(pki.directory().resolve("revoked.tsv"))).endsWith(
                phone.certificate().getSerialNumber().toString(16) + "\t" + revocation.revokedAt() + "\tKEY_COMPROMISE");
    }

    @Test
    void malformedRevocationFileIsReportedWithFileAndLine() throws IOException {
        // given
        Path file = pki.directory().resolve("revoked.tsv");
        Files.writeString(file, "# header\nnot-a-serial\t2026-01-01T00:00:00Z\tKEY_COMPROMISE\n");

        // when / then
        assertThatThrownBy(() -> pki.revocations())
                .isInstanceOf(PkiException.class)
                .hasMessageContaining(file + " line 2");
    }

    private Openssl.Result opensslVerifyWithCrl(MacAddress mac) {
        Path pkiDirectory = pki.directory();
        return Openssl.run("verify", "-x509_strict", "-crl_check",
                "-CAfile", pkiDirectory.resolve("root-ca.pem").toString(),
                "-untrusted", pkiDirectory.resolve("device-ca.pem").toString(),
                "-CRLfile", pkiDirectory.resolve("device-ca.crl").toString(),
                pkiDirectory.resolve("devices").resolve(mac.canonical() + ".pem").toString());
    }
}
