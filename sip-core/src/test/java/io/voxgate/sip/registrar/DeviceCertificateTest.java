package io.voxgate.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.voxgate.certs.IssuedDevice;
import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.sip.RunningSipSwitchAccess;
import io.voxgate.sip.TestPhone;

/** Phones presenting device certificates on SIP-over-TLS, under their tenant's policy. */
class DeviceCertificateTest {

    private static final String ACME = "pbx.acme.example";

    @RegisterExtension
    static final RunningSipSwitchAccess sip = new RunningSipSwitchAccess();

    private static IssuedDevice enrolled(String mac, String owner) {
        var tenant = new TenantDirectory(sip.database()).find("acme").orElseThrow();
        new DeviceDirectory(sip.database()).add(tenant, mac, "yealink", "T54W", owner);
        return sip.pki().issueDevice(MacAddress.parse(mac), KeyAlgorithm.EC_P256);
    }

    private static int registerWith(IssuedDevice device, String user, String domain) throws Exception {
        try (TestPhone phone = new TestPhone(sip.client(device), user, domain, RunningSipSwitchAccess.PASSWORD)) {
            return phone.register().status();
        }
    }

    @Test
    void phoneWithItsOwnDeviceCertificateRegisters() throws Exception {
        assertThat(registerWith(enrolled("001565000001", "1001"), "1001", ACME)).isEqualTo(200);
    }

    @Test
    void anotherUsersPhoneCannotRegisterThisUser() throws Exception {
        assertThat(registerWith(enrolled("001565000002", "1001"), "1002", ACME)).isEqualTo(403);
    }

    @Test
    void aTrustedManufacturersFactoryCertificateIdentifiesItsEnrolledPhone() throws Exception {
        var tenant = new TenantDirectory(sip.database()).find("acme").orElseThrow();
        new DeviceDirectory(sip.database()).add(tenant, "0004f2000007", "poly", "VVX 450", "1001");

        assertThat(registerWith(sip.factoryDevice("0004f2000007"), "1001", ACME)).isEqualTo(200);
        assertThat(registerWith(sip.factoryDevice("0004f2000007"), "1002", ACME)).as("a valid password, another user's phone")
                .isEqualTo(403);
        assertThat(registerWith(sip.factoryDevice("0004f2000008"), "1001", ACME)).as("not enrolled").isEqualTo(403);
    }

    @Test
    void certificateOfAPhoneThatIsNotEnrolledIsRefused() throws Exception {
        IssuedDevice stranger = sip.pki().issueDevice(MacAddress.parse("001565000003"), KeyAlgorithm.EC_P256);

        assertThat(registerWith(stranger, "1001", ACME)).isEqualTo(403);
    }

    @Test
    void revokedDeviceCertificateIsRefused() throws Exception {
        IssuedDevice revoked = enrolled("001565000004", "1001");
        sip.pki().revoke(MacAddress.parse("001565000004"), CRLReason.KEY_COMPROMISE);

        assertThat(registerWith(revoked, "1001", ACME)).isEqualTo(403);
    }

    @Test
    void anotherCasCertificateCountsAsNoneIgnoredWhereOptionalRefusedWhereRequired() throws Exception {
        Path elsewhere = Files.createTempDirectory("voxgate-foreign-pki-");
        SwitchPki foreign = SwitchPki.open(elsewhere, "foreign-password".toCharArray());
        foreign.init(KeyAlgorithm.EC_P256, "Someone else", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()));
        IssuedDevice selfMade = foreign.issueDevice(MacAddress.parse("001565000005"), KeyAlgorithm.EC_P256);
        new TenantDirectory(sip.database()).setSipClientCertificates("globex", "required");

        assertThat(registerWith(selfMade, "1001", ACME)).isEqualTo(200);
        assertThat(registerWith(selfMade, "2001", "pbx.globex.example")).isEqualTo(403);
    }

    @Test
    void tenantRequiringDeviceCertificatesRefusesAPhoneWithoutOne() throws Exception {
        new TenantDirectory(sip.database()).setSipClientCertificates("globex", "required");

        try (TestPhone phone = new TestPhone(sip.client(), "2001", "pbx.globex.example", RunningSipSwitchAccess.PASSWORD)) {
            assertThat(phone.register().status()).isEqualTo(403);
        }
    }

    @Test
    void phoneWithoutACertificateRegistersWhereCertificatesAreOptional() throws Exception {
        try (TestPhone phone = new TestPhone(sip.client(), "1002", ACME, RunningSipSwitchAccess.PASSWORD)) {
            assertThat(phone.register().status()).isEqualTo(200);
        }
    }
}
