package io.voxgate.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CRLReason;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.voxgate.certs.IssuedDevice;
import io.voxgate.certs.KeyAlgorithm;
import io.voxgate.certs.MacAddress;
import io.voxgate.certs.SwitchPki;
import io.voxgate.certs.testing.StandInVendorCa;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditRecord;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.device.DeviceDirectory;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.provisioning.template.VendorTemplates;
import io.voxgate.certs.DeviceCertificateVerifier;

/**
 * The provisioning listener over real TLS, with a real PostgreSQL and the switch's real PKI:
 * which phone gets which file, and what the audit log says about it.
 */
class ProvisioningServerTest {

    private static final String PASSWORD = Fixture.ALICE_PASSWORD;
    private static final String PHONE = "001565abcdef";
    private static final String SECOND_PHONE = "001565abcd02";
    private static final String REVOKED_PHONE = "00156500dead";
    private static final String UNENROLLED = "001565777777";
    private static final String GLOBEX_PHONE = "001565999999";
    private static final String FACTORY_PHONE = "805ec0aaaaaa";
    private static final String FACTORY_UNENROLLED = "805ec0bbbbbb";
    private static final String POLY_PHONE = "0004f2aabbcc";
    private static final int PER_CERTIFICATE = 30;

    @TempDir
    static Path dir;

    private static Fixture fixture;
    private static ConfigDatabase database;
    private static SwitchPki pki;
    private static ProvisioningServer server;
    private static AuditLog audit;
    private static Tenant acme;
    private static Tenant globex;
    private static StandInVendorCa vendorCa;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture(dir);
        database = fixture.database;
        acme = fixture.acme;
        globex = fixture.globex;
        pki = fixture.pki;
        audit = fixture.audit;
        for (String mac : List.of(PHONE, SECOND_PHONE, REVOKED_PHONE, FACTORY_PHONE)) {
            fixture.devices.add(acme, mac, "yealink", "T54W", "1001");
        }
        fixture.devices.add(globex, GLOBEX_PHONE, "yealink", "T46U", "2001");
        fixture.devices.add(acme, POLY_PHONE, "poly", "VVX 450", "1001");
        vendorCa = new StandInVendorCa("Stand-in Yealink Root CA");
        ProvisioningService service = new ProvisioningService(fixture.tenants, fixture.devices, fixture.users, audit,
                new VendorTemplates(null),
                new PhoneDefaults("sip.acme.example", 5061, "https://localhost:8444/", "pool.ntp.org", ZoneId.of("Europe/Berlin"),
                        "[0-9].", Duration.ofDays(1)),
                Pem.certificate(pki.rootCaCertificate()),
                new ProvisioningService.RateLimits(1000, PER_CERTIFICATE, Duration.ofMinutes(1)), fixture.metrics);
        DeviceCertificateVerifier verifier = new DeviceCertificateVerifier(pki, List.of(vendorCa.root()));
        server = ProvisioningServer.start(new InetSocketAddress("127.0.0.1", 0), pki.serverCredential(), verifier, service,
                audit, fixture.metrics);
        base = "https://127.0.0.1:" + server.address().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static PhoneClient phoneWithSwitchCertificate(String mac) throws Exception {
        IssuedDevice device = pki.issueDevice(MacAddress.parse(mac), KeyAlgorithm.EC_P256);
        return new PhoneClient(base, pki.rootCaCertificate(), device.privateKey(), device.chain().toArray(java.security.cert.X509Certificate[]::new));
    }

    private static PhoneClient phoneWithFactoryCertificate(StandInVendorCa.FactoryCertificate factory) throws Exception {
        return new PhoneClient(base, pki.rootCaCertificate(), factory.key(), factory.certificate());
    }

    @Test
    void aPhoneGetsItsOwnFileAndTheDownloadIsAudited() throws Exception {
        HttpResponse<String> response = phoneWithSwitchCertificate(PHONE).get("/" + PHONE + ".cfg");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(PASSWORD);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        AuditRecord event = awaitEvent(acme, e -> e.target() != null && e.target().equals("/" + PHONE + ".cfg") && e.outcome().equals("success"));
        assertThat(event.actor()).isEqualTo("device:" + PHONE);
        assertThat(event.action()).isEqualTo("provisioning.download");
        assertThat(event.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(event.detailJson()).doesNotContain(PASSWORD);
    }

    @Test
    void aPolyPhoneGetsAMasterFileNamingItsSettingsFileAndThenTheSettings() throws Exception {
        PhoneClient poly = phoneWithSwitchCertificate(POLY_PHONE);

        HttpResponse<String> master = poly.get("/" + POLY_PHONE + ".cfg");
        HttpResponse<String> settings = poly.get("/" + POLY_PHONE + "-phone.cfg");

        assertThat(master.statusCode()).isEqualTo(200);
        assertThat(master.body()).contains("CONFIG_FILES=\"" + POLY_PHONE + "-phone.cfg\"").doesNotContain(PASSWORD);
        assertThat(settings.statusCode()).isEqualTo(200);
        assertThat(settings.body()).contains("<polycomConfig>").contains("reg.1.auth.password=\"" + PASSWORD + "\"");
    }

    @Test
    void theRightCertificateAskingForAnotherPhonesFileIsForbidden() throws Exception {
        HttpResponse<String> response = phoneWithSwitchCertificate(PHONE).get("/" + SECOND_PHONE + ".cfg");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).doesNotContain(PASSWORD);
        AuditRecord event = awaitEvent(acme, e -> e.outcome().equals("refused") && ("/" + SECOND_PHONE + ".cfg").equals(e.target()));
        assertThat(event.detailJson()).contains("requested_mac").contains(SECOND_PHONE);
    }

    @Test
    void anotherTenantsPhoneCannotFetchThisTenantsFile() throws Exception {
        PhoneClient globexPhone = phoneWithSwitchCertificate(GLOBEX_PHONE);

        assertThat(globexPhone.get("/" + PHONE + ".cfg").statusCode()).isEqualTo(403);
        HttpResponse<String> own = globexPhone.get("/" + GLOBEX_PHONE + ".cfg");
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.body()).doesNotContain(PASSWORD);
    }

    @Test
    void aClientWithoutACertificateFailsTheHandshake() throws Exception {
        PhoneClient anonymous = new PhoneClient(base, pki.rootCaCertificate(), null);

        assertThatThrownBy(() -> anonymous.get("/" + PHONE + ".cfg")).isInstanceOf(IOException.class);
    }

    @Test
    void aRevokedCertificateIsRefusedAndAuditedInTheControlLog() throws Exception {
        PhoneClient revoked = phoneWithSwitchCertificate(REVOKED_PHONE);
        pki.revoke(MacAddress.parse(REVOKED_PHONE), CRLReason.KEY_COMPROMISE);

        assertThatThrownBy(() -> revoked.get("/" + REVOKED_PHONE + ".cfg")).isInstanceOf(IOException.class);
        // refused before the client proved it holds the key: nothing it says goes into a tenant's log
        AuditRecord event = awaitEvent(null, e -> e.action().equals("provisioning.handshake") && REVOKED_PHONE.equals(e.target()));
        assertThat(event.detailJson()).contains("revoked");
    }

    @Test
    void anExpiredFactoryCertificateIsRefusedAndAudited() throws Exception {
        var expired = vendorCa.issue("805ec0cccccc", Instant.now().minusSeconds(86_400L * 800), Instant.now().minusSeconds(86_400));

        assertThatThrownBy(() -> phoneWithFactoryCertificate(expired).get("/805ec0cccccc.cfg")).isInstanceOf(IOException.class);
        AuditRecord event = awaitEvent(null, e -> e.action().equals("provisioning.handshake") && "805ec0cccccc".equals(e.target()));
        assertThat(event.detailJson()).contains("expired");
    }

    @Test
    void aCertificateOfAnUntrustedCaFailsTheHandshake() throws Exception {
        var stranger = new StandInVendorCa("Unknown Vendor Root").issueValid(PHONE);

        assertThatThrownBy(() -> phoneWithFactoryCertificate(stranger).get("/" + PHONE + ".cfg")).isInstanceOf(IOException.class);
    }

    @Test
    void anUnknownMacGets404AndAnAuditEvent() throws Exception {
        HttpResponse<String> response = phoneWithSwitchCertificate(UNENROLLED).get("/" + UNENROLLED + ".cfg");

        assertThat(response.statusCode()).isEqualTo(404);
        AuditRecord event = awaitEvent(null, e -> ("/" + UNENROLLED + ".cfg").equals(e.target()));
        assertThat(event.outcome()).isEqualTo("refused");
        assertThat(event.detailJson()).contains("not enrolled");
    }

    @Test
    void aManufacturerCertificateIsAcceptedOnlyWhenItsMacIsEnrolled() throws Exception {
        HttpResponse<String> enrolled = phoneWithFactoryCertificate(vendorCa.issueValid(FACTORY_PHONE.toUpperCase())).get("/" + FACTORY_PHONE + ".cfg");
        HttpResponse<String> unenrolled = phoneWithFactoryCertificate(vendorCa.issueValid(FACTORY_UNENROLLED)).get("/" + FACTORY_UNENROLLED + ".cfg");

        assertThat(enrolled.statusCode()).isEqualTo(200);
        assertThat(enrolled.body()).contains(PASSWORD);
        assertThat(unenrolled.statusCode()).isEqualTo(404);
    }

    @Test
    void aFileNameOfAnotherVendorOrAPathIsNotServed() throws Exception {
        PhoneClient phone = phoneWithSwitchCertificate(PHONE);

        assertThat(phone.get("/SEP" + PHONE.toUpperCase() + ".cnf.xml").statusCode()).as("a Yealink asking for Cisco's file").isEqualTo(404);
        assertThat(phone.get("/../" + PHONE + ".cfg").statusCode()).isEqualTo(404);
        assertThat(phone.get("/y000000000044.cfg").statusCode()).isEqualTo(404);
        assertThat(phone.post("/" + PHONE + ".cfg", "x").statusCode()).isEqualTo(405);
        assertThat(phone.get("/ca.pem").body()).isEqualTo(Pem.certificate(pki.rootCaCertificate()));
    }

    @Test
    void aDisabledDeviceIsForbiddenEvenWithAValidCertificate() throws Exception {
        PhoneClient phone = phoneWithSwitchCertificate(SECOND_PHONE);
        new DeviceDirectory(database).setStatus(acme, SECOND_PHONE, "revoked");
        try {
            assertThat(phone.get("/" + SECOND_PHONE + ".cfg").statusCode()).isEqualTo(403);
        } finally {
            new DeviceDirectory(database).setStatus(acme, SECOND_PHONE, "active");
        }
    }

    @Test
    void requestsBeyondTheCertificatesLimitGet429WithRetryAfter() throws Exception {
        PhoneClient phone = phoneWithSwitchCertificate(GLOBEX_PHONE);
        int last = 0;
        HttpResponse<String> response = null;
        for (int i = 0; i <= PER_CERTIFICATE; i++) {
            response = phone.get("/ca.pem");
            last = response.statusCode();
        }

        assertThat(last).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void curlWithThePhonesCertificateGetsTheFileAndWithoutOneIsRefused() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "curl is not installed (.ci/run installs it)");
        IssuedDevice device = pki.issueDevice(MacAddress.parse(PHONE), KeyAlgorithm.EC_P256);
        Path cert = Files.writeString(dir.resolve("phone.pem"), StandInVendorCa.pem(device.certificate()));
        Path key = Files.writeString(dir.resolve("phone.key"), StandInVendorCa.pkcs8(device.privateKey()));
        Path ca = Files.writeString(dir.resolve("root.pem"), StandInVendorCa.pem(pki.rootCaCertificate()));

        Curl withCertificate = curl("--cacert", ca.toString(), "--cert", cert.toString(), "--key", key.toString(),
                base + "/" + PHONE + ".cfg");
        Curl withoutCertificate = curl("--cacert", ca.toString(), base + "/" + PHONE + ".cfg");

        assertThat(withCertificate.exit()).as(withCertificate.output()).isZero();
        assertThat(withCertificate.output()).contains(PASSWORD).endsWith("200");
        assertThat(withoutCertificate.exit()).as("the handshake fails: no HTTP status at all").isNotZero();
        assertThat(withoutCertificate.output()).doesNotContain(PASSWORD).endsWith("000");
    }

    private record Curl(int exit, String output) {
    }

    private static Curl curl(String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "10", "-w", "%{http_code}"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(15, TimeUnit.SECONDS);
        return new Curl(process.exitValue(), output.strip());
    }

    /** Handshake refusals are audited off the handshake's thread: wait a little for them. */
    private static AuditRecord awaitEvent(Tenant tenant, Predicate<AuditRecord> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            var found = audit.newest(tenant, 200).stream().filter(wanted).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no such audit event in " + (tenant == null ? "the control log" : tenant.slug()) + ": "
                + audit.newest(tenant, 20));
    }
}
