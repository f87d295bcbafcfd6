package io.voxgate.certs;

import static io.voxgate.certs.TestPkis.DNS_NAMES;
import static io.voxgate.certs.TestPkis.IP_ADDRESSES;
import static io.voxgate.certs.TestPkis.ORGANISATION;
import static io.voxgate.certs.TestPkis.PHONE;
import static io.voxgate.certs.TestPkis.authorityKeyId;
import static io.voxgate.certs.TestPkis.subjectKeyId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.Test;

/** What each certificate profile puts into its certificates, checked field by field. */
class CertificateProfilesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Instant ONE_MINUTE_AGO = NOW.minus(Duration.ofMinutes(1));
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final int DNS_NAME = 2;
    private static final int URI = 6;
    private static final int IP_ADDRESS = 7;

    private final CertificateIssuer issuer = new CertificateIssuer(Clock.fixed(NOW, ZoneOffset.UTC));
    private final Credential rootCa = issuer.rootCa(KeyAlgorithm.EC_P256, ORGANISATION);
    private final Credential deviceCa = issuer.deviceCa(rootCa, KeyAlgorithm.EC_P256);

    @Test
    void rootCaIsSelfSignedAndNamedVoxgateRootCa() {
        X509Certificate root = rootCa.certificate();

        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Voxgate Root CA,O=Example Telecom");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThatCode(() -> root.verify(root.getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void rootCaAllowsExactlyOneCaBelowIt() {
        assertThat(rootCa.certificate().getBasicConstraints()).isEqualTo(1);
        assertThat(rootCa.certificate().getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId());
    }

    @Test
    void caCertificatesMaySignOnlyCertificatesAndCrls() {
        for (X509Certificate ca : List.of(rootCa.certificate(), deviceCa.certificate())) {
            assertThat(setKeyUsages(ca)).containsExactly("keyCertSign", "cRLSign");
            assertThat(ca.getCriticalExtensionOIDs()).contains(Extension.keyUsage.getId());
        }
    }

    @Test
    void rootCaIsValidForTwentyYearsFromOneMinuteAgo() {
        assertValidity(rootCa.certificate(), ONE_MINUTE_AGO, yearsAfter(ONE_MINUTE_AGO, 20));
    }

    @Test
    void deviceCaIsSignedByTheRootAndMayIssueNoFurtherCas() {
        X509Certificate device = deviceCa.certificate();

        assertThat(device.getSubjectX500Principal().getName()).isEqualTo("CN=Voxgate Device CA,O=Example Telecom");
        assertThat(device.getBasicConstraints()).isZero();
        assertThatCode(() -> device.verify(rootCa.certificate().getPublicKey())).doesNotThrowAnyException();
    }

    @Test
    void deviceCaIsValidForFifteenYears() {
        assertValidity(deviceCa.certificate(), ONE_MINUTE_AGO, yearsAfter(ONE_MINUTE_AGO, 15));
    }

    @Test
    void everyCertificateNamesItsIssuersKeyIdentifier() throws IOException {
        IssuedDevice device = issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256);

        assertThat(authorityKeyId(deviceCa.certificate())).isEqualTo(subjectKeyId(rootCa.certificate()));
        assertThat(authorityKeyId(device.certificate())).isEqualTo(subjectKeyId(deviceCa.certificate()));
        assertThat(authorityKeyId(rootCa.certificate())).isEqualTo(subjectKeyId(rootCa.certificate()));
    }

    @Test
    void serverCertificateCarriesEveryRequestedDnsNameAndIpAddress() throws Exception {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, DNS_NAMES, IP_ADDRESSES).certificate();

        List<String> dnsNames = new ArrayList<>();
        List<InetAddress> ipAddresses = new ArrayList<>();
        for (List<?> name : server.getSubjectAlternativeNames()) {
            if ((Integer) name.get(0) == DNS_NAME) {
                dnsNames.add((String) name.get(1));
            } else if ((Integer) name.get(0) == IP_ADDRESS) {
                ipAddresses.add(InetAddress.getByName((String) name.get(1)));
            }
        }
        assertThat(dnsNames).containsExactlyElementsOf(DNS_NAMES);
        assertThat(ipAddresses).containsExactlyElementsOf(IP_ADDRESSES);
    }

    @Test
    void serverCommonNameIsItsFirstDnsNameForPhonesThatIgnoreSans() {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, DNS_NAMES, IP_ADDRESSES).certificate();

        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=sip.example.net,O=Example Telecom");
    }

    @Test
    void serverWithOnlyAnIpAddressIsNamedByIt() throws CertificateParsingException {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, List.of(), List.of(TestPkis.ip("192.0.2.10")))
                .certificate();

        assertThat(server.getSubjectX500Principal().getName()).startsWith("CN=192.0.2.10,");
        assertThat(server.getSubjectAlternativeNames()).containsExactly(List.of(IP_ADDRESS, "192.0.2.10"));
    }

    @Test
    void serverCertificateServesBothSidesOfSipTls() throws CertificateParsingException {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, DNS_NAMES, IP_ADDRESSES).certificate();

        assertThat(server.getExtendedKeyUsage()).containsExactly(SERVER_AUTH, CLIENT_AUTH);
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void ecServerKeyIsForSignaturesOnly() {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, DNS_NAMES, IP_ADDRESSES).certificate();

        assertThat(setKeyUsages(server)).containsExactly("digitalSignature");
    }

    @Test
    void rsaServerKeyMayAlsoEncipherKeysForRsaKeyTransport() {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.RSA_2048, DNS_NAMES, IP_ADDRESSES).certificate();

        assertThat(setKeyUsages(server)).containsExactly("digitalSignature", "keyEncipherment");
    }

    @Test
    void serverCertificateIsValidFor825Days() {
        X509Certificate server = issuer.server(rootCa, KeyAlgorithm.EC_P256, DNS_NAMES, IP_ADDRESSES).certificate();

        assertValidity(server, ONE_MINUTE_AGO, ONE_MINUTE_AGO.plus(Duration.ofDays(825)));
    }

    @Test
    void serverCertificateNeedsAtLeastOneName() {
        assertThatThrownBy(() -> issuer.server(rootCa, KeyAlgorithm.EC_P256, List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one DNS name or IP address");
    }

    @Test
    void serverNameThatIsNotADnsNameIsRejectedQuotingIt() {
        assertThatThrownBy(() -> issuer.server(rootCa, KeyAlgorithm.EC_P256, List.of("sip example.net"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'sip example.net' is not a DNS name");
    }

    @Test
    void deviceCertificateIsNamedByTheCanonicalMac() {
        X509Certificate device = issuer.device(deviceCa, MacAddress.parse("00-15-65-AB-CD-EF"), KeyAlgorithm.EC_P256)
                .certificate();

        assertThat(device.getSubjectX500Principal().getName())
                .isEqualTo("CN=001565abcdef,OU=Voxgate device,O=Example Telecom");
    }

    @Test
    void deviceCertificateCarriesTheMacUrnAsItsOnlyAlternativeName() throws CertificateParsingException {
        X509Certificate device = issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256).certificate();

        assertThat(device.getSubjectAlternativeNames()).containsExactly(List.of(URI, "urn:dev:mac:001565abcdef"));
    }

    @Test
    void deviceCertificateIsForTlsClientsOnly() throws CertificateParsingException {
        X509Certificate device = issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256).certificate();

        assertThat(device.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
        assertThat(setKeyUsages(device)).containsExactly("digitalSignature");
        assertThat(device.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void deviceCertificateIsValidForTenYears() {
        X509Certificate device = issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256).certificate();

        assertValidity(device, ONE_MINUTE_AGO, yearsAfter(ONE_MINUTE_AGO, 10));
    }

    @Test
    void deviceChainRunsFromDeviceThroughDeviceCaToRoot() {
        IssuedDevice device = issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256);

        assertThat(device.chain()).containsExactly(device.certificate(), deviceCa.certificate(), rootCa.certificate());
    }

    @Test
    void certificateNeverOutlivesItsIssuer() {
        // given a device CA with eight of its fifteen years left
        CertificateIssuer sevenYearsLater = new CertificateIssuer(Clock.fixed(yearsAfter(NOW, 7), ZoneOffset.UTC));

        // when a ten-year device certificate is issued
        X509Certificate device = sevenYearsLater.device(deviceCa, PHONE, KeyAlgorithm.EC_P256).certificate();

        // then it ends with the CA
        assertThat(device.getNotAfter()).isEqualTo(deviceCa.certificate().getNotAfter());
    }

    @Test
    void serialNumbersArePositiveDistinctAndAtMost159Bits() {
        List<BigInteger> serials = IntStream.range(0, 20)
                .mapToObj(i -> issuer.device(deviceCa, PHONE, KeyAlgorithm.EC_P256).certificate().getSerialNumber())
                .toList();

        assertThat(serials).doesNotHaveDuplicates().allSatisfy(serial -> {
            assertThat(serial).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(159);
        });
    }

    @Test
    void organisationIsCopiedVerbatimEvenWithRfc4514SpecialCharacters() {
        Credential root = issuer.rootCa(KeyAlgorithm.EC_P256, "#1 Telecom, Inc.");

        X509Certificate device = issuer.device(issuer.deviceCa(root, KeyAlgorithm.EC_P256), PHONE, KeyAlgorithm.EC_P256)
                .certificate();

        X500Name subject = X500Name.getInstance(device.getSubjectX500Principal().getEncoded());
        assertThat(subject.getRDNs(BCStyle.O)[0].getFirst().getValue()).hasToString("#1 Telecom, Inc.");
    }

    @Test
    void blankOrganisationIsRejected() {
        assertThatThrownBy(() -> issuer.rootCa(KeyAlgorithm.EC_P256, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("organisation must be 1 to 64 characters");
    }

    private static List<String> setKeyUsages(X509Certificate certificate) {
        String[] names = {"digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
                "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
        boolean[] bits = certificate.getKeyUsage();
        return IntStream.range(0, bits.length).filter(i -> bits[i]).mapToObj(i -> names[i]).toList();
    }

    private static void assertValidity(X509Certificate certificate, Instant notBefore, Instant notAfter) {
        assertThat(certificate.getNotBefore().toInstant()).isEqualTo(notBefore);
        assertThat(certificate.getNotAfter().toInstant()).isEqualTo(notAfter);
    }

    private static Instant yearsAfter(Instant start, int years) {
        return OffsetDateTime.ofInstant(start, ZoneOffset.UTC).plusYears(years).toInstant();
    }
}
