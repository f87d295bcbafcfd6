package io.voxgate.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.voxgate.config.audit.AuditRecord;
import io.voxgate.config.enrolment.ActivationCodes;
import io.voxgate.config.enrolment.IssuedCode;
import io.voxgate.provisioning.admin.DeviceAdministration;
import io.voxgate.provisioning.enrolment.EnrolmentService;
import io.voxgate.provisioning.template.VendorTemplates;
import io.voxgate.certs.DeviceCertificateVerifier;

/**
 * Zero-touch enrolment over real TLS: a softphone with nothing but an activation code gets a
 * device certificate, then fetches its file with it from the mutual-TLS listener.
 */
class EnrolmentServerTest {

    @TempDir
    static Path dir;

    private static Fixture fixture;
    private static DeviceAdministration admin;
    private static ProvisioningServer enrolment;
    private static ProvisioningServer provisioning;
    private static PhoneClient anonymous;
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        fixture = new Fixture(dir);
        admin = new DeviceAdministration(fixture.devices, new ActivationCodes(fixture.database), fixture.pki, fixture.audit);
        ProvisioningService files = new ProvisioningService(fixture.tenants, fixture.devices, fixture.users, fixture.audit,
                new VendorTemplates(null), new PhoneDefaults("localhost", 5061, "https://localhost/", "pool.ntp.org", ZoneId.of("UTC"),
                "[0-9].", Duration.ofDays(1)), Pem.certificate(fixture.pki.rootCaCertificate()),
                new ProvisioningService.RateLimits(1000, 1000, Duration.ofMinutes(1)), fixture.metrics);
        provisioning = ProvisioningServer.start(new InetSocketAddress("127.0.0.1", 0), fixture.pki.serverCredential(),
                new DeviceCertificateVerifier(fixture.pki, List.of()), files, fixture.audit, fixture.metrics);
        String provisioningUrl = "https://127.0.0.1:" + provisioning.address().getPort() + "/";
        EnrolmentService service = new EnrolmentService(new ActivationCodes(fixture.database), fixture.tenants, fixture.devices,
                fixture.pki, fixture.audit, provisioningUrl, 1000, fixture.metrics);
        enrolment = ProvisioningServer.startEnrolment(new InetSocketAddress("127.0.0.1", 0), fixture.pki.serverCredential(), service);
        anonymous = new PhoneClient("https://127.0.0.1:" + enrolment.address().getPort(), fixture.pki.rootCaCertificate(), null);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {enrolment, provisioning, fixture}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }

    @Test
    void aSoftphoneEnrolsWithACodeAndThenProvisionsWithItsNewCertificate() throws Exception {
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");
        KeyPair keys = ecKeys();

        HttpResponse<String> response = anonymous.post("/enrol", body(code.code(), csr(keys)).toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode answer = json.readTree(response.body());
        String mac = answer.get("mac").asText();
        assertThat(Integer.parseInt(mac.substring(0, 2), 16) & 0x03).as("locally administered, unicast").isEqualTo(0x02);
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(answer.get("certificate").asText().getBytes()));
        assertThat(certificate.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=" + mac);
        assertThat(fixture.devices.find(fixture.acme, mac)).hasValueSatisfying(d -> {
            assertThat(d.vendor()).isEqualTo("softphone");
            assertThat(d.ownerExtension()).isEqualTo("1001");
        });
        String fileUrl = answer.get("provisioningUrl").asText();
        assertThat(fileUrl).endsWith("/" + mac + ".json");

        PhoneClient softphone = new PhoneClient(fileUrl.substring(0, fileUrl.lastIndexOf('/')), fixture.pki.rootCaCertificate(),
                keys.getPrivate(), certificate, fixture.pki.deviceCaCertificate());
        HttpResponse<String> file = softphone.get(fileUrl.substring(fileUrl.lastIndexOf('/')));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).contains(Fixture.ALICE_PASSWORD);
        assertThat(lastEvent("enrolment.redeem").outcome()).isEqualTo("success");
    }

    @Test
    void aCodeWorksOnceAndTheSecondAttemptIsRefusedAndAudited() throws Exception {
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");
        assertThat(anonymous.post("/enrol", body(code.code(), csr(ecKeys())).toString()).statusCode()).isEqualTo(201);

        HttpResponse<String> again = anonymous.post("/enrol", body(code.code(), csr(ecKeys())).toString());

        assertThat(again.statusCode()).isEqualTo(403);
        assertThat(again.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(json.readTree(again.body()).get("field").asText()).isEqualTo("code");
        AuditRecord refused = lastEvent("enrolment.redeem");
        assertThat(refused.outcome()).isEqualTo("refused");
        assertThat(refused.detailJson()).contains("already used").doesNotContain(code.code());
    }

    @Test
    void anExpiredCodeIsRefused() throws Exception {
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofMinutes(1), "cli:test");
        fixture.database.inTenant(fixture.acme.schema(), c -> io.voxgate.config.db.Sql.update(c,
                "UPDATE activation_codes SET created_at = now() - interval '2 minutes', expires_at = now() - interval '1 second'"
                        + " WHERE id = ?", code.id()));

        assertThat(anonymous.post("/enrol", body(code.code(), csr(ecKeys())).toString()).statusCode()).isEqualTo(403);
        assertThat(lastEvent("enrolment.redeem").detailJson()).contains("expired");
    }

    @Test
    void aBadCsrIsRefusedNamingTheFieldAndDoesNotUseTheCode() throws Exception {
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");

        HttpResponse<String> bad = anonymous.post("/enrol", body(code.code(), "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
                + "-----END CERTIFICATE REQUEST-----\n").toString());

        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("field").asText()).isEqualTo("csr");
        assertThat(anonymous.post("/enrol", body(code.code(), csr(ecKeys())).toString()).statusCode()).as("the code still works")
                .isEqualTo(201);
    }

    @Test
    void malformedRequestsGetAProblemNamingTheField() throws Exception {
        assertThat(json.readTree(anonymous.post("/enrol", "{\"csr\":\"x\"}").body()).get("field").asText()).isEqualTo("code");
        assertThat(anonymous.post("/enrol", "not json").statusCode()).isEqualTo(400);
        ObjectNode badMac = body("ABCD-EFGH-JKMN-PQRS", csr(ecKeys())).put("mac", "00:11:22");
        assertThat(json.readTree(anonymous.post("/enrol", badMac.toString()).body()).get("field").asText()).isEqualTo("mac");
        assertThat(anonymous.get("/enrol").statusCode()).isEqualTo(405);
        assertThat(anonymous.get("/001565abcdef.cfg").statusCode()).isEqualTo(404);
    }

    @Test
    void anUnknownCodeIsRefusedAndAuditedInTheControlLog() throws Exception {
        assertThat(anonymous.post("/enrol", body("ABCD-EFGH-JKMN-PQRS", csr(ecKeys())).toString()).statusCode()).isEqualTo(403);

        assertThat(fixture.audit.newest(null, 20)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("enrolment.redeem");
            assertThat(e.detailJson()).contains("unknown");
        });
    }

    @Test
    void aCodeCannotClaimAPhoneEnrolledForAnotherUser() throws Exception {
        fixture.users.add(fixture.acme, "1002", "Bob", null, "bob-sip-password-89ab");
        admin.enrol(fixture.acme, io.voxgate.certs.MacAddress.parse("00:15:65:00:00:b0"), "yealink", "T54W", "1002", "cli:test");
        IssuedCode alices = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");

        HttpResponse<String> response = anonymous.post("/enrol", body(alices.code(), csr(ecKeys())).put("mac", "001565 0000b0"
                .replace(" ", "")).toString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(fixture.pki.deviceCertificate(io.voxgate.certs.MacAddress.parse("0015650000b0"))).isEmpty();
    }

    @Test
    void aCodeCannotClaimARealMacNobodyEnrolled() throws Exception {
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");

        HttpResponse<String> response = anonymous.post("/enrol", body(code.code(), csr(ecKeys())).put("mac", "00:15:65:12:34:56")
                .put("vendor", "yealink").toString());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(fixture.tenants.findByDeviceMac("001565123456")).as("no device created").isEmpty();
        assertThat(lastEvent("enrolment.redeem").detailJson()).contains("not enrolled for this user");
    }

    @Test
    void aHardPhoneAnAdminEnrolledGetsItsCertificateWithTheOwnersCode() throws Exception {
        admin.enrol(fixture.acme, io.voxgate.certs.MacAddress.parse("00:15:65:00:00:c1"), "yealink", "T54W", "1001", "cli:test");
        IssuedCode code = admin.createActivationCode(fixture.acme, "1001", Duration.ofHours(1), "cli:test");

        HttpResponse<String> response = anonymous.post("/enrol", body(code.code(), csr(ecKeys())).put("mac", "0015650000c1").toString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(json.readTree(response.body()).get("provisioningUrl").asText()).endsWith("/0015650000c1.cfg");
    }

    private static AuditRecord lastEvent(String action) {
        return fixture.audit.newest(fixture.acme, 50).stream().filter(e -> e.action().equals(action)).findFirst().orElseThrow();
    }

    private static ObjectNode body(String code, String csr) {
        return json.createObjectNode().put("code", code).put("csr", csr);
    }

    private static String csr(KeyPair keys) throws Exception {
        var request = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=my softphone"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
        return "-----BEGIN CERTIFICATE REQUEST-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                request.getEncoded()) + "\n-----END CERTIFICATE REQUEST-----\n";
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
