package io.voxgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.voxgate.admin.http.AppsController;
import io.voxgate.admin.http.AuditController;
import io.voxgate.admin.http.AuthController;
import io.voxgate.admin.http.CallingRulesController;
import io.voxgate.admin.http.DevicesController;
import io.voxgate.admin.http.DomainsController;
import io.voxgate.admin.http.MeController;
import io.voxgate.admin.http.TenantsController;
import io.voxgate.admin.http.TrunksController;
import io.voxgate.admin.http.UsersController;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.Role;

/** The admin API on a running switch over real HTTPS: an admin created by the CLI logs in with password and TOTP. */
class AdminApiTest {

    private static Path base;
    private static SwitchRuntime runtime;
    private static HttpClient https;
    private static String config;
    private static final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        base = TestSwitch.newBaseDir();
        config = TestSwitch.writeConfig(base).toString();
        runtime = SwitchRuntime.start(TestSwitch.settings(base), Map.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", runtime.pki().rootCaCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        https = HttpClient.newBuilder().sslContext(tls).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        TestSwitch.delete(base);
    }

    @Test
    void anAdminFromTheCliEnrolsTotpLogsInReadsItselfAndLogsOut() throws Exception {
        CliTest.Result created = CliTest.voxgate("-c", config, "admins", "add", "--email", "ops@demo.example", "--role", "tenant-admin",
                "--tenant", "demo");
        assertThat(created.exit()).as(created.err()).isZero();
        String password = created.out().replaceAll("(?s).*\\(shown once\\): (\\S+).*", "$1");

        HttpResponse<String> first = post("/api/v1/auth/login", "{\"email\":\"ops@demo.example\",\"password\":\"" + password + "\"}", null);
        assertThat(first.statusCode()).isEqualTo(401);
        assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(first.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000; includeSubDomains");
        String enrolment = json.readTree(first.body()).get("enrolmentToken").asText();

        String uri = json.readTree(post("/api/v1/auth/totp/enrol", "{\"enrolmentToken\":\"" + enrolment + "\"}", null).body())
                .get("otpauthUri").asText();
        assertThat(uri).startsWith("otpauth://totp/Voxgate%20localhost:ops%40demo.example?secret=");
        byte[] secret = base32(uri);
        JsonNode tokens = json.readTree(post("/api/v1/auth/totp/confirm",
                "{\"enrolmentToken\":\"" + enrolment + "\",\"code\":\"" + code(secret) + "\"}", null).body());
        String access = tokens.get("accessToken").asText();
        assertThat(tokens.get("tokenType").asText()).isEqualTo("Bearer");

        HttpResponse<String> me = get("/api/v1/me", access);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(json.readTree(me.body()).get("role").asText()).isEqualTo("tenant-admin");
        assertThat(get("/api/v1/me", null).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", access + "x").statusCode()).as("a token altered by one character").isEqualTo(401);

        assertThat(post("/api/v1/auth/logout", "", access).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/me", access).statusCode()).as("revoked at once, long before it expires").isEqualTo(401);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("admin.account.create")
                .contains("admin.totp.enrol").contains("admin.login").contains("admin.logout").doesNotContain(password);
    }

    @Test
    void aLoginWithoutAFieldIsAProblemNamingIt() throws Exception {
        HttpResponse<String> response = post("/api/v1/auth/login", "{\"email\":\"ops@demo.example\"}", null);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("field").asText()).isEqualTo("password");
    }

    @Test
    void everyEndpointAgainstEveryBuiltInRoleAllowsExactlyWhatTheRoleHolds() throws Exception {
        List<Endpoint> endpoints = endpoints();
        assertThat(endpoints).hasSizeGreaterThanOrEqualTo(7);
        for (Role role : Role.values()) {
            String token = loginAs(role.id() + "@matrix.example", role.id(), role == Role.PLATFORM_OPERATOR ? null : "demo");
            for (Endpoint endpoint : endpoints) {
                if (endpoint.path().endsWith("/logout")) {
                    continue; // would end the session the rest of the matrix runs on
                }
                HttpResponse<String> response = call(endpoint, token);
                String what = role.id() + " " + endpoint.method() + " " + endpoint.path() + " -> " + response.statusCode() + " " + response.body();
                if (role.allows(endpoint.permission())) {
                    assertThat(response.statusCode()).as(what).isNotIn(401, 403);
                } else {
                    assertThat(response.statusCode()).as(what).isEqualTo(403);
                    assertThat(response.body()).as(what).contains("permission-required");
                }
            }
        }
    }

    @Test
    void anotherTenantsResourcesAreNotFoundAndTheAttemptIsAudited() throws Exception {
        String operator = loginAs("root@platform.example", "platform-operator", null);
        assertThat(post("/api/v1/tenants", "{\"slug\":\"globex\",\"name\":\"Globex\",\"domain\":\"globex.example\"}", operator)
                .statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/tenants/globex/users", "{\"extension\":\"2001\",\"displayName\":\"Gina\"}", operator).statusCode())
                .isEqualTo(201);
        String demoAdmin = loginAs("admin@demo.example", "tenant-admin", "demo");

        assertThat(get("/api/v1/tenants/globex", demoAdmin).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/tenants/globex/users", demoAdmin).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/tenants/globex/users/2001", demoAdmin).statusCode()).isEqualTo(404);
        assertThat(post("/api/v1/tenants/globex/users", "{\"extension\":\"2002\",\"displayName\":\"Eve\"}", demoAdmin).statusCode())
                .isEqualTo(404);
        assertThat(get("/api/v1/tenants/nosuch", demoAdmin).statusCode()).as("the same answer as a tenant that exists").isEqualTo(404);
        assertThat(json.readTree(get("/api/v1/tenants", demoAdmin).body()).get("items")).hasSize(1);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("admin.access.cross-tenant");
        assertThat(get("/api/v1/tenants/globex/audit", demoAdmin).statusCode()).isEqualTo(404);
        JsonNode chain = json.readTree(get("/api/v1/tenants/demo/audit/verify", demoAdmin).body());
        assertThat(chain.get("intact").asBoolean()).isTrue();
        assertThat(json.readTree(get("/api/v1/tenants/demo/audit?limit=2", demoAdmin).body()).get("items")).hasSize(2);
        assertThat(get("/api/v1/tenants/globex/users/2001", operator).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/tenants/globex/domains", "{\"domain\":\"pbx.globex.example\"}", operator).statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/tenants/demo/domains", "{\"domain\":\"PBX.Globex.example\"}", operator).statusCode())
                .as("a domain names one tenant").isEqualTo(409);
        assertThat(get("/api/v1/tenants/globex/domains", demoAdmin).statusCode()).isEqualTo(404);
        assertThat(json.readTree(get("/api/v1/tenants/globex/domains", operator).body()).get("items")).hasSize(2);
    }

    @Test
    void aUserIsCreatedWithItsPasswordShownOnceAndBadFieldsAreNamed() throws Exception {
        String admin = loginAs("users@demo.example", "user-admin", "demo");

        HttpResponse<String> created = post("/api/v1/tenants/demo/users", "{\"extension\":\"1050\",\"displayName\":\"Carol\"}", admin);
        HttpResponse<String> read = get("/api/v1/tenants/demo/users/1050", admin);
        HttpResponse<String> bad = post("/api/v1/tenants/demo/users", "{\"extension\":\"x1\",\"displayName\":\"Dan\"}", admin);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).contains("/api/v1/tenants/demo/users/1050");
        assertThat(json.readTree(created.body()).get("sipPassword").asText()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(read.body()).doesNotContain("sipPassword").doesNotContain("ha1");
        assertThat(read.headers().firstValue("ETag")).isPresent();
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("field").asText()).isEqualTo("extension");
    }

    @Test
    void twoAdminsCannotOverwriteEachOthersChangeToAUser() throws Exception {
        String admin = loginAs("editor@demo.example", "tenant-admin", "demo");
        String etag = get("/api/v1/tenants/demo/users/1002", admin).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> first = patch("/api/v1/tenants/demo/users/1002", "{\"displayName\":\"Demo Two\"}", admin, etag);
        HttpResponse<String> second = patch("/api/v1/tenants/demo/users/1002", "{\"displayName\":\"Someone else\"}", admin, etag);
        HttpResponse<String> blind = patch("/api/v1/tenants/demo/users/1002", "{\"displayName\":\"Blind\"}", admin, null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json.readTree(first.body()).get("displayName").asText()).isEqualTo("Demo Two");
        assertThat(second.statusCode()).as("stale ETag").isEqualTo(412);
        assertThat(blind.statusCode()).as("no If-Match").isEqualTo(428);
        assertThat(json.readTree(get("/api/v1/tenants/demo/users/1002", admin).body()).get("displayName").asText()).isEqualTo("Demo Two");
    }

    @Test
    void devicesAreEnrolledRevokedAndGivenActivationCodesThroughProvisioningsServices() throws Exception {
        String admin = loginAs("phones@demo.example", "phone-system-admin", "demo");
        String users = loginAs("people@demo.example", "user-admin", "demo");

        HttpResponse<String> enrolled = post("/api/v1/tenants/demo/devices",
                "{\"mac\":\"00:15:65:ab:00:42\",\"vendor\":\"yealink\",\"model\":\"T54W\",\"owner\":\"1001\"}", admin);
        HttpResponse<String> badVendor = post("/api/v1/tenants/demo/devices", "{\"mac\":\"00:15:65:ab:00:43\",\"vendor\":\"nokia\"}", admin);
        HttpResponse<String> code = post("/api/v1/tenants/demo/devices/activation-codes", "{\"owner\":\"1001\",\"validMinutes\":30}", users);
        HttpResponse<String> revoked = post("/api/v1/tenants/demo/devices/001565ab0042/revoke", "{\"reason\":\"key_compromise\"}", admin);

        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        assertThat(badVendor.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badVendor.body()).get("field").asText()).isEqualTo("vendor");
        assertThat(code.statusCode()).isEqualTo(201);
        assertThat(json.readTree(code.body()).get("code").asText()).matches("[0-9A-Z]{4}(-[0-9A-Z]{4}){3}");
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json.readTree(revoked.body()).get("status").asText()).isEqualTo("revoked");
        assertThat(CliTest.voxgate("-c", config, "devices", "list", "--tenant", "demo").out()).containsPattern("001565ab0042.*revoked");
    }

    @Test
    void oneTokensRequestsBeyondTheLimitGet429WithRetryAfter() throws Exception {
        String token = loginAs("busy@demo.example", "reports-viewer", "demo");
        int last = 0;
        HttpResponse<String> response = null;
        for (int i = 0; i <= 600 && last != 429; i++) {
            response = get("/api/v1/me", token);
            last = response.statusCode();
        }

        assertThat(last).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aDeviceRevokedThroughTheApiLosesItsRegistrationAtOnceAndIsRefusedWhenItComesBack() throws Exception {
        TestSwitch.addDemoUser(runtime, "1077", "Desk phone owner", "desk-phone-password-77");
        TestSwitch.addDemoUser(runtime, "1078", "Colleague", "colleague-password-78");
        String admin = loginAs("revoker@demo.example", "phone-system-admin", "demo");
        assertThat(post("/api/v1/tenants/demo/devices", "{\"mac\":\"00:15:65:77:00:01\",\"vendor\":\"yealink\",\"owner\":\"1077\"}",
                admin).statusCode()).isEqualTo(201);
        var device = runtime.pki().issueDevice(io.voxgate.certs.MacAddress.parse("001565770001"), io.voxgate.certs.KeyAlgorithm.EC_P256);
        Path rootCa = base.resolve("data/pki/root-ca.pem");
        try (var phone = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa, device), "1077",
                "localhost", "desk-phone-password-77");
             var colleague = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa), "1078",
                     "localhost", "colleague-password-78")) {
            assertThat(phone.register().status()).isEqualTo(200);
            assertThat(colleague.register().status()).isEqualTo(200);

            long revokedAt = System.nanoTime();
            assertThat(post("/api/v1/tenants/demo/devices/001565770001/revoke", "{}", admin).statusCode()).isEqualTo(200);
            boolean cutOff = phone.sip.isClosedByPeer(); // waits up to 5 s for the switch to close the phone's connection
            long tookMillis = (System.nanoTime() - revokedAt) / 1_000_000;
            System.out.printf("revoked device's connection closed %d ms after the API answered%n", tookMillis);
            var call = colleague.authenticatedInviteFinal("1077@localhost", "revoked-call-1", "z9hG4bKrevoked1", "");

            assertThat(cutOff).as("the switch closed the revoked phone's connection (after %d ms)", tookMillis).isTrue();
            assertThat(call.status()).as("a call to the revoked phone's user finds no registration").isEqualTo(480);
            assertThat(colleague.register().status()).as("other phones keep their connections").isEqualTo(200);
            try (var again = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa, device), "1077",
                    "localhost", "desk-phone-password-77")) {
                assertThat(again.register().status()).as("the revoked phone, back with its password").isEqualTo(403);
            }
        }
    }

    @Test
    void deletesRemoveWhatTheyNameAndNeverReachAnotherTenant() throws Exception {
        String operator = loginAs("deleter-root@platform.example", "platform-operator", null);
        assertThat(post("/api/v1/tenants", "{\"slug\":\"initech\",\"name\":\"Initech\",\"domain\":\"initech.example\"}", operator)
                .statusCode()).isEqualTo(201);
        String initech = loginAs("admin@initech.example", "tenant-admin", "initech");
        String demo = loginAs("deleter@demo.example", "tenant-admin", "demo");
        assertThat(post("/api/v1/tenants/initech/users", "{\"extension\":\"3001\",\"displayName\":\"Ian\"}", initech).statusCode())
                .isEqualTo(201);
        assertThat(put("/api/v1/tenants/initech/trunks/carrier", "{\"host\":\"sip.carrier.example\"}", initech).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/tenants/initech/dial-plans/user:3001", "{\"international\":true}", initech).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/tenants/initech/fraud-limits/tenant", "{\"concurrentCalls\":3}", initech).statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/tenants/initech/devices", "{\"mac\":\"00:15:65:30:00:01\",\"vendor\":\"yealink\",\"owner\":\"3001\"}",
                initech).statusCode()).isEqualTo(201);
        assertThat(post("/api/v1/tenants/initech/domains", "{\"domain\":\"pbx.initech.example\"}", operator).statusCode()).isEqualTo(201);

        List<String> initechResources = List.of("/users/3001", "/trunks/carrier", "/dial-plans/user:3001", "/fraud-limits/tenant",
                "/devices/001565300001"); // domains are the platform operator's, who sees every tenant
        for (String resource : initechResources) {
            assertThat(delete("/api/v1/tenants/initech" + resource, demo).statusCode()).as("demo's admin deletes initech" + resource)
                    .isEqualTo(404);
        }
        assertThat(get("/api/v1/tenants/initech/users/3001", initech).statusCode()).as("still there").isEqualTo(200);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("DELETE /api/v1/tenants/initech/users/3001");

        assertThat(delete("/api/v1/tenants/initech/domains/initech.example", operator).statusCode()).as("the primary domain").isEqualTo(409);
        assertThat(delete("/api/v1/tenants/initech/dial-plans/user:3001", initech).statusCode()).isEqualTo(204);
        assertThat(json.readTree(get("/api/v1/tenants/initech/dial-plans/user:3001", initech).body()).get("configured").asBoolean()).isFalse();
        assertThat(delete("/api/v1/tenants/initech/dial-plans/user:3001", initech).statusCode()).as("nothing left to delete").isEqualTo(404);
        assertThat(delete("/api/v1/tenants/initech/fraud-limits/tenant", initech).statusCode()).isEqualTo(204);
        assertThat(delete("/api/v1/tenants/initech/trunks/carrier", initech).statusCode()).isEqualTo(204);
        assertThat(json.readTree(get("/api/v1/tenants/initech/trunks", initech).body()).get("items")).isEmpty();
        assertThat(delete("/api/v1/tenants/initech/devices/001565300001", initech).statusCode()).isEqualTo(204);
        assertThat(post("/api/v1/tenants/demo/devices", "{\"mac\":\"00:15:65:30:00:01\",\"vendor\":\"yealink\"}", demo).statusCode())
                .as("a removed device's MAC may be enrolled again, elsewhere too").isEqualTo(201);
        assertThat(delete("/api/v1/tenants/initech/users/3001", initech).statusCode()).isEqualTo(204);
        assertThat(get("/api/v1/tenants/initech/users/3001", initech).statusCode()).isEqualTo(404);
        assertThat(delete("/api/v1/tenants/initech/domains/pbx.initech.example", operator).statusCode()).isEqualTo(204);
        assertThat(json.readTree(get("/api/v1/tenants/initech/domains", operator).body()).get("items")).hasSize(1);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "initech").out()).contains("user.delete")
                .contains("trunk.delete").contains("dial-plan.delete").contains("fraud-limits.delete").contains("device.remove")
                .contains("domain.remove");
    }

    @Test
    void aUserDisabledOrRemovedLosesItsRegistrationsAtOnce() throws Exception {
        TestSwitch.addDemoUser(runtime, "1081", "Leaver", "leaver-password-81");
        TestSwitch.addDemoUser(runtime, "1082", "Suspended", "suspended-password-82");
        String admin = loginAs("offboarding@demo.example", "user-admin", "demo");
        Path rootCa = base.resolve("data/pki/root-ca.pem");
        try (var leaver = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa), "1081",
                "localhost", "leaver-password-81");
             var suspended = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa), "1082",
                     "localhost", "suspended-password-82")) {
            assertThat(leaver.register().status()).isEqualTo(200);
            assertThat(suspended.register().status()).isEqualTo(200);
            String etag = get("/api/v1/tenants/demo/users/1082", admin).headers().firstValue("ETag").orElseThrow();

            assertThat(delete("/api/v1/tenants/demo/users/1081", admin).statusCode()).isEqualTo(204);
            assertThat(patch("/api/v1/tenants/demo/users/1082", "{\"status\":\"disabled\"}", admin, etag).statusCode()).isEqualTo(200);

            assertThat(leaver.sip.isClosedByPeer()).as("the removed user's phone is cut off").isTrue();
            assertThat(suspended.sip.isClosedByPeer()).as("the disabled user's phone is cut off").isTrue();
        }
        try (var back = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa), "1082",
                "localhost", "suspended-password-82")) {
            assertThat(back.register().status()).as("a disabled user's password no longer registers").isEqualTo(403);
        }
    }

    @Test
    void aSessionRevokedByAnotherNodeStopsWorkingHereThroughTheChangeFeed() throws Exception {
        String token = loginAs("elsewhere@demo.example", "reports-viewer", "demo");
        assertThat(get("/api/v1/me", token).statusCode()).as("cached as open").isEqualTo(200);
        String sessionId = json.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("sid").asText();

        // as another node's logout would: the row changes, this node hears of it only through the feed
        runtime.configStore().database().inControl(c -> io.voxgate.config.db.Sql.update(c,
                "UPDATE admin_sessions SET revoked_at = now() WHERE id = ?::uuid", sessionId));
        long revokedAt = System.nanoTime();
        int status = 200;
        while (status == 200 && System.nanoTime() - revokedAt < TimeUnit.SECONDS.toNanos(5)) {
            status = get("/api/v1/me", token).statusCode();
        }
        long tookMillis = (System.nanoTime() - revokedAt) / 1_000_000;
        System.out.printf("a session revoked in the database was refused here after %d ms%n", tookMillis);

        assertThat(status).as("refused after %d ms", tookMillis).isEqualTo(401);
    }

    @Test
    void aCustomRoleGrantsWhatItNamesChangesLiveAndCannotGrantMoreThanItsAuthorHolds() throws Exception {
        String admin = loginAs("roles@demo.example", "tenant-admin", "demo");
        assertThat(put("/api/v1/tenants/demo/roles/helpdesk", "{\"permissions\":[\"users_read\",\"devices_read\",\"self_read\"]}", admin)
                .statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/tenants/demo/roles/delegate", "{\"permissions\":[\"roles_write\",\"users_read\"]}", admin).statusCode())
                .isEqualTo(200);
        HttpResponse<String> unknown = put("/api/v1/tenants/demo/roles/broken", "{\"permissions\":[\"users_read\",\"fly\"]}", admin);
        HttpResponse<String> platformOnly = put("/api/v1/tenants/demo/roles/broken", "{\"permissions\":[\"tenants_write\"]}", admin);
        HttpResponse<String> builtInName = put("/api/v1/tenants/demo/roles/tenant-admin", "{\"permissions\":[\"users_read\"]}", admin);
        String helpdesk = loginAs("helpdesk@demo.example", "custom:helpdesk", "demo");
        String delegate = loginAs("delegate@demo.example", "custom:delegate", "demo");

        int readBefore = get("/api/v1/tenants/demo/users", helpdesk).statusCode();
        int writeBefore = post("/api/v1/tenants/demo/users", "{\"extension\":\"1090\",\"displayName\":\"Hal\"}", helpdesk).statusCode();
        assertThat(put("/api/v1/tenants/demo/roles/helpdesk", "{\"permissions\":[\"users_read\",\"users_write\"]}", admin).statusCode())
                .isEqualTo(200);
        int writeAfter = post("/api/v1/tenants/demo/users", "{\"extension\":\"1090\",\"displayName\":\"Hal\"}", helpdesk).statusCode();
        HttpResponse<String> escalation = put("/api/v1/tenants/demo/roles/mine", "{\"permissions\":[\"trunks_write\"]}", delegate);
        HttpResponse<String> inUse = delete("/api/v1/tenants/demo/roles/helpdesk", admin);
        JsonNode listed = json.readTree(get("/api/v1/tenants/demo/roles", admin).body()).get("items");

        assertThat(json.readTree(unknown.body()).get("field").asText()).isEqualTo("permissions");
        assertThat(platformOnly.statusCode()).isEqualTo(400);
        assertThat(json.readTree(builtInName.body()).get("field").asText()).isEqualTo("name");
        assertThat(readBefore).isEqualTo(200);
        assertThat(writeBefore).isEqualTo(403);
        assertThat(writeAfter).as("the role's change applies at the holder's next request").isEqualTo(201);
        assertThat(escalation.statusCode()).isEqualTo(403);
        assertThat(escalation.body()).contains("permission-not-held");
        assertThat(inUse.statusCode()).isEqualTo(409);
        assertThat(listed.toString()).contains("custom:helpdesk").contains("\"role\":\"tenant-admin\"");
        assertThat(CliTest.voxgate("-c", config, "admins", "add", "--email", "ghost@demo.example", "--role", "custom:nosuch",
                "--tenant", "demo").exit()).as("an account cannot hold a role that does not exist").isNotZero();
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("role.put");
    }

    @Test
    void theRateTableTakesPricesPerPrefixAndNamesABadField() throws Exception {
        String admin = loginAs("rates@demo.example", "security-admin", "demo");

        HttpResponse<String> saved = put("/api/v1/tenants/demo/rates/4420", "{\"pricePerMinute\":0.0125,\"currency\":\"GBP\","
                + "\"description\":\"London\"}", admin);
        HttpResponse<String> badCurrency = put("/api/v1/tenants/demo/rates/49", "{\"pricePerMinute\":0.01,\"currency\":\"XXY\"}", admin);
        HttpResponse<String> negative = put("/api/v1/tenants/demo/rates/49", "{\"pricePerMinute\":-1,\"currency\":\"EUR\"}", admin);
        HttpResponse<String> badPrefix = put("/api/v1/tenants/demo/rates/44x", "{\"pricePerMinute\":1,\"currency\":\"EUR\"}", admin);
        JsonNode listed = json.readTree(get("/api/v1/tenants/demo/rates", admin).body()).get("items");
        int deleted = delete("/api/v1/tenants/demo/rates/4420", admin).statusCode();

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(json.readTree(saved.body()).get("pricePerMinute").asText()).isEqualTo("0.0125");
        assertThat(json.readTree(badCurrency.body()).get("field").asText()).isEqualTo("currency");
        assertThat(json.readTree(negative.body()).get("field").asText()).isEqualTo("pricePerMinute");
        assertThat(json.readTree(badPrefix.body()).get("field").asText()).isEqualTo("prefix");
        assertThat(listed.toString()).contains("\"prefix\":\"4420\"").contains("London");
        assertThat(deleted).isEqualTo(204);
    }

    @Test
    void anAdminIsToldOfLoginsFromNewClientsAndOfRefusedLogins() throws Exception {
        String token = loginAs("watchful@demo.example", "reports-viewer", "demo");
        assertThat(post("/api/v1/auth/login", "{\"email\":\"watchful@demo.example\",\"password\":\"guessed-wrong\",\"totp\":\"000000\"}",
                null).statusCode()).isEqualTo(401);

        JsonNode notices = json.readTree(get("/api/v1/me/notifications", token).body()).get("items");

        // newest first: the guess, the first login (a client never seen), the password step before TOTP was enrolled
        assertThat(notices.findValuesAsText("kind")).containsExactly("login-refused", "login-from-new-client", "login-refused");
        assertThat(notices.get(0).get("detail").asText()).contains("wrong password");
        assertThat(notices.get(2).get("detail").asText()).contains("TOTP not enrolled");
    }

    @Test
    void thePlatformsOwnLogIsTheOperatorsToReadAndVerify() throws Exception {
        String operator = loginAs("auditor@platform.example", "platform-operator", null);
        String tenantAdmin = loginAs("curious@demo.example", "tenant-admin", "demo");

        JsonNode page = json.readTree(get("/api/v1/audit?limit=5", operator).body());
        JsonNode chain = json.readTree(get("/api/v1/audit/verify", operator).body());

        assertThat(page.get("items")).isNotEmpty();
        assertThat(page.get("items").toString()).contains("admin:auditor@platform.example");
        assertThat(chain.get("intact").asBoolean()).isTrue();
        assertThat(get("/api/v1/audit", tenantAdmin).statusCode()).as("a tenant's admin, however senior").isEqualTo(403);
    }

    @Test
    void everyTenantScopedEndpointAnswersNotFoundForAnotherTenant() throws Exception {
        String operator = loginAs("isolation-root@platform.example", "platform-operator", null);
        assertThat(post("/api/v1/tenants", "{\"slug\":\"umbrella\",\"name\":\"Umbrella\",\"domain\":\"umbrella.example\"}", operator)
                .statusCode()).isEqualTo(201);
        String demoAdmin = loginAs("isolation@demo.example", "tenant-admin", "demo");
        int checked = 0;
        for (Endpoint endpoint : endpoints()) {
            if (!endpoint.template().contains("{slug}") || !Role.TENANT_ADMIN.allows(endpoint.permission())) {
                continue;
            }
            Endpoint elsewhere = new Endpoint(endpoint.method(), endpoint.path().replace("/tenants/demo", "/tenants/umbrella"),
                    endpoint.permission(), endpoint.template());
            HttpResponse<String> response = call(elsewhere, demoAdmin);
            assertThat(response.statusCode()).as(elsewhere.method() + " " + elsewhere.path() + " -> " + response.body()).isEqualTo(404);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(30);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out())
                .contains("admin.access.cross-tenant").contains("/tenants/umbrella/rates");
    }

    @Test
    void aBodyThatIsNoJsonIsAProblemSayingSo() throws Exception {
        String admin = loginAs("sloppy@demo.example", "user-admin", "demo");

        HttpResponse<String> broken = post("/api/v1/tenants/demo/users", "{\"extension\": \"1099\",", admin);
        HttpResponse<String> wrongType = post("/api/v1/tenants/demo/users", "{\"extension\": {\"a\":1}, \"displayName\":\"X\"}", admin);

        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json.readTree(broken.body()).get("detail").asText()).contains("Invalid JSON");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(json.readTree(wrongType.body()).get("field").asText()).isEqualTo("body");
        assertThat(wrongType.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void adminsAreCreatedAndCutOffThroughTheApiButNeverBeyondTheActorsOwnRole() throws Exception {
        String admin = loginAs("chief@demo.example", "tenant-admin", "demo");
        assertThat(put("/api/v1/tenants/demo/roles/admin-desk", "{\"permissions\":[\"admins_write\",\"self_read\",\"users_read\"]}", admin)
                .statusCode()).isEqualTo(200);
        String desk = loginAs("desk@demo.example", "custom:admin-desk", "demo");

        HttpResponse<String> created = post("/api/v1/tenants/demo/admins", "{\"email\":\"newbie@demo.example\",\"role\":\"user-admin\"}", admin);
        HttpResponse<String> escalation = post("/api/v1/tenants/demo/admins", "{\"email\":\"boss@demo.example\",\"role\":\"tenant-admin\"}", desk);
        HttpResponse<String> modest = post("/api/v1/tenants/demo/admins", "{\"email\":\"temp@demo.example\",\"role\":\"standard-user\"}", desk);
        HttpResponse<String> duplicate = post("/api/v1/tenants/demo/admins", "{\"email\":\"newbie@demo.example\",\"role\":\"user-admin\"}", admin);
        HttpResponse<String> operatorRole = post("/api/v1/tenants/demo/admins", "{\"email\":\"op@demo.example\",\"role\":\"platform-operator\"}",
                admin);
        JsonNode newbie = json.readTree(created.body());
        String newbieToken = firstLogin("newbie@demo.example", newbie.get("initialPassword").asText()).token();
        String chiefId = json.readTree(get("/api/v1/me", admin).body()).get("accountId").asText();
        HttpResponse<String> disableTheChief = post("/api/v1/tenants/demo/admins/" + chiefId + "/disable", "{}", desk);
        int before = get("/api/v1/tenants/demo/users", newbieToken).statusCode();
        HttpResponse<String> disabled = post("/api/v1/tenants/demo/admins/" + newbie.get("id").asText() + "/disable", "{}", admin);
        int after = get("/api/v1/tenants/demo/users", newbieToken).statusCode();

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(newbie.get("initialPassword").asText()).hasSize(24);
        assertThat(escalation.statusCode()).isEqualTo(403);
        assertThat(escalation.body()).contains("permission-not-held");
        assertThat(modest.statusCode()).as(modest.body()).isEqualTo(201);
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(json.readTree(operatorRole.body()).get("field").asText()).isEqualTo("role");
        assertThat(disableTheChief.statusCode()).as("a lesser role cannot cut off a greater one").isEqualTo(403);
        assertThat(before).isEqualTo(200);
        assertThat(json.readTree(disabled.body()).get("status").asText()).isEqualTo("disabled");
        assertThat(after).as("a disabled admin's token stops at once").isEqualTo(401);
        assertThat(json.readTree(get("/api/v1/tenants/demo/admins", admin).body()).get("items").toString())
                .contains("newbie@demo.example").doesNotContain("initialPassword");
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("admin.account.disable");
    }

    @Test
    void anAdminChangesTheirPasswordWhichEndsEverySessionOfTheAccount() throws Exception {
        CliTest.Result created = CliTest.voxgate("-c", config, "admins", "add", "--email", "mover@demo.example", "--role", "reports-viewer",
                "--tenant", "demo");
        String initial = created.out().replaceAll("(?s).*\\(shown once\\): (\\S+).*", "$1");
        LoggedIn mover = firstLogin("mover@demo.example", initial);

        HttpResponse<String> wrongCurrent = post("/api/v1/me/password", "{\"currentPassword\":\"not-it\",\"newPassword\":\"a-long-new-password\"}",
                mover.token());
        HttpResponse<String> tooShort = post("/api/v1/me/password", "{\"currentPassword\":\"" + initial + "\",\"newPassword\":\"short\"}",
                mover.token());
        HttpResponse<String> changed = post("/api/v1/me/password", "{\"currentPassword\":\"" + initial
                + "\",\"newPassword\":\"a-long-new-password\"}", mover.token());
        int oldToken = get("/api/v1/me", mover.token()).statusCode();
        HttpResponse<String> oldPassword = post("/api/v1/auth/login", "{\"email\":\"mover@demo.example\",\"password\":\"" + initial
                + "\",\"totp\":\"" + code(mover.totpSecret(), 1) + "\"}", null);
        HttpResponse<String> newPassword = post("/api/v1/auth/login", "{\"email\":\"mover@demo.example\",\"password\":"
                + "\"a-long-new-password\",\"totp\":\"" + code(mover.totpSecret(), 1) + "\"}", null);

        assertThat(json.readTree(wrongCurrent.body()).get("field").asText()).isEqualTo("currentPassword");
        assertThat(json.readTree(tooShort.body()).get("field").asText()).isEqualTo("newPassword");
        assertThat(changed.statusCode()).isEqualTo(204);
        assertThat(oldToken).as("the session the change was made in ends too").isEqualTo(401);
        assertThat(oldPassword.statusCode()).isEqualTo(401);
        assertThat(newPassword.statusCode()).as(newPassword.body()).isEqualTo(200);
        assertThat(json.readTree(newPassword.body()).get("accessToken").asText()).isNotBlank();
    }

    @Test
    void neitherAnAppNorARoleRewriteGivesMoreThanTheAuthorHolds() throws Exception {
        String admin = loginAs("guardian@demo.example", "tenant-admin", "demo");
        assertThat(put("/api/v1/tenants/demo/roles/integrations", "{\"permissions\":[\"apps_write\",\"roles_write\",\"users_read\"]}",
                admin).statusCode()).isEqualTo(200);
        assertThat(put("/api/v1/tenants/demo/roles/secops", "{\"permissions\":[\"fraud_limits_write\",\"audit_read\"]}", admin)
                .statusCode()).isEqualTo(200);
        String integrator = loginAs("app-maker@demo.example", "custom:integrations", "demo");

        HttpResponse<String> app = post("/api/v1/tenants/demo/apps", "{\"name\":\"Sync\",\"scopes\":[\"users_write\"]}", integrator);
        HttpResponse<String> fairApp = post("/api/v1/tenants/demo/apps", "{\"name\":\"Read\",\"scopes\":[\"users_read\"]}", integrator);
        HttpResponse<String> downgrade = put("/api/v1/tenants/demo/roles/secops", "{\"permissions\":[\"users_read\"]}", integrator);
        HttpResponse<String> removal = delete("/api/v1/tenants/demo/roles/secops", integrator);

        assertThat(app.statusCode()).as(app.body()).isEqualTo(403);
        assertThat(app.body()).contains("permission-not-held");
        assertThat(fairApp.statusCode()).isEqualTo(201);
        assertThat(downgrade.statusCode()).as("a lesser author may not rewrite a stronger role").isEqualTo(403);
        assertThat(removal.statusCode()).isEqualTo(403);
    }

    @Test
    void aConnectionCarryingTwoUsersLosesOnlyTheDisabledOnesBinding() throws Exception {
        TestSwitch.addDemoUser(runtime, "1083", "First line", "first-line-password-83");
        TestSwitch.addDemoUser(runtime, "1084", "Second line", "second-line-password-84");
        TestSwitch.addDemoUser(runtime, "1085", "Caller", "caller-password-85");
        String admin = loginAs("lines@demo.example", "user-admin", "demo");
        Path rootCa = base.resolve("data/pki/root-ca.pem");
        try (var connection = new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa);
             var caller = new io.voxgate.sip.TestPhone(new io.voxgate.sip.TestSipClient(runtime.sipTlsPort(), rootCa), "1085",
                     "localhost", "caller-password-85")) {
            var first = new io.voxgate.sip.TestPhone(connection, "1083", "localhost", "first-line-password-83");
            var second = new io.voxgate.sip.TestPhone(connection, "1084", "localhost", "second-line-password-84");
            assertThat(first.register().status()).isEqualTo(200);
            assertThat(second.register().status()).isEqualTo(200);
            assertThat(caller.register().status()).isEqualTo(200);
            String etag = get("/api/v1/tenants/demo/users/1084", admin).headers().firstValue("ETag").orElseThrow();

            assertThat(patch("/api/v1/tenants/demo/users/1084", "{\"status\":\"disabled\"}", admin, etag).statusCode()).isEqualTo(200);
            var secondLine = new io.voxgate.sip.location.AddressOfRecord("demo", "1084");
            for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                 !runtime.location().lookup(secondLine).isEmpty() && System.nanoTime() < deadline; ) {
                Thread.sleep(10); // the change feed and the reaper's judgement
            }
            var toSecond = caller.authenticatedInviteFinal("1084@localhost", "two-lines-1", "z9hG4bKtwolines1", "");

            assertThat(runtime.location().lookup(secondLine)).as("the disabled user's binding").isEmpty();
            assertThat(toSecond.status()).as("the disabled user is no longer reachable").isIn(404, 480);
            assertThat(first.register().status()).as("the other user's line on the same connection stays").isEqualTo(200);
        }
    }

    @Test
    void opensslSeesTls12And13OnlyAndPlainHttpGetsNoAnswer() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/openssl").canExecute(), "openssl is not installed (.ci/run installs it)");
        String target = "localhost:" + runtime.adminPort();

        assertThat(sClient(target, "-tls1_3")).as("TLS 1.3").contains("Protocol  : TLSv1.3");
        assertThat(sClient(target, "-tls1_2")).as("TLS 1.2").contains("Protocol  : TLSv1.2");
        assertThat(sClient(target, "-tls1_1")).as("TLS 1.1").doesNotContain("Protocol  : TLSv1.1");
        assertThat(sClient(target, "-tls1")).as("TLS 1.0").doesNotContain("Protocol  : TLSv1\n");
        Process plain = new ProcessBuilder("/usr/bin/curl", "-sS", "-m", "5", "http://" + target + "/api/v1/me").redirectErrorStream(true).start();
        String plainOut = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        plain.waitFor(15, TimeUnit.SECONDS);
        assertThat(plain.exitValue()).as("plain HTTP: " + plainOut).isNotZero();
    }

    /** The CSR with one character of its body changed: unreadable, or a signature that no longer holds. */
    private static String tampered(String csr) {
        String[] lines = csr.split("\n");
        char[] body = lines[2].toCharArray();
        body[20] = body[20] == 'A' ? 'B' : 'A';
        lines[2] = new String(body);
        return String.join("\n", lines) + "\n";
    }

    /** {@code openssl s_client} against the admin port with one protocol version; its session report. */
    private static String sClient(String target, String version) throws Exception {
        // security level 0: the client offers TLS 1.0/1.1 too, so a refusal is the switch's, not OpenSSL's default policy
        Process p = new ProcessBuilder("/usr/bin/openssl", "s_client", "-connect", target, version, "-brief", "-cipher", "DEFAULT@SECLEVEL=0",
                "-CAfile", base.resolve("data/pki/root-ca.pem").toString()).redirectErrorStream(true).start();
        p.getOutputStream().close(); // no input: the session ends after the handshake
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(15, TimeUnit.SECONDS);
        return out.replace("Protocol version: ", "Protocol  : ");
    }

    @Test
    void aDeviceEnrolledWithItsCsrGetsItsCertificateAndABadCsrEnrolsNothing() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/openssl").canExecute(), "openssl is not installed (.ci/run installs it)");
        String admin = loginAs("csr@demo.example", "phone-system-admin", "demo");
        Path key = base.resolve("phone-key.pem");
        Process req = new ProcessBuilder("/usr/bin/openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-subj", "/CN=softphone").redirectErrorStream(false).start();
        String csr = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        req.waitFor(15, TimeUnit.SECONDS);

        HttpResponse<String> enrolled = post("/api/v1/tenants/demo/devices", json.writeValueAsString(Map.of("mac", "00:15:65:c5:00:01",
                "vendor", "yealink", "owner", "1001", "csr", csr)), admin);
        HttpResponse<String> bad = post("/api/v1/tenants/demo/devices", json.writeValueAsString(Map.of("mac", "00:15:65:c5:00:02",
                "vendor", "yealink", "csr", tampered(csr))), admin);

        assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(201);
        String certificate = json.readTree(enrolled.body()).get("certificate").asText();
        assertThat(certificate).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(runtime.pki().deviceCertificate(io.voxgate.certs.MacAddress.parse("001565c50001"))).isPresent();
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json.readTree(bad.body()).get("field").asText()).isEqualTo("csr");
        assertThat(get("/api/v1/tenants/demo/devices", admin).body()).contains("001565c50001").doesNotContain("001565c50002");
    }

    @Test
    void twoAdminsCannotOverwriteEachOthersDialPlanWhenTheySendIfMatch() throws Exception {
        String admin = loginAs("planner@demo.example", "phone-system-admin", "demo");
        String read = get("/api/v1/tenants/demo/dial-plans/role:standard-user", admin).headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> first = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort()
                        + "/api/v1/tenants/demo/dial-plans/role:standard-user")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + admin).header("If-Match", read)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"mobile\":false}")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort()
                        + "/api/v1/tenants/demo/dial-plans/role:standard-user")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + admin).header("If-Match", read)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"international\":true}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("ETag")).isPresent().isNotEqualTo(java.util.Optional.of(read));
        assertThat(second.statusCode()).as("the second admin read it before the first one's change").isEqualTo(412);
        assertThat(json.readTree(get("/api/v1/tenants/demo/dial-plans/role:standard-user", admin).body()).get("international")
                .asBoolean()).isFalse();
    }

    @Test
    void theOpenApiDocumentIsServedAndNamesEveryEndpoint() throws Exception {
        HttpResponse<String> document = get("/api/v1/openapi.yml", null);

        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).startsWith("openapi: 3.");
        for (Endpoint endpoint : endpoints()) {
            assertThat(document.body()).as(endpoint.toString()).contains("  " + endpoint.template() + ":");
        }
    }

    @Test
    void anAppGetsTokensForItsScopesOnlyAndIsStoppedByRevocation() throws Exception {
        String admin = loginAs("integrator@demo.example", "tenant-admin", "demo");
        HttpResponse<String> refused = post("/api/v1/tenants/demo/apps", "{\"name\":\"CRM\",\"scopes\":[\"tenants_write\"]}", admin);
        JsonNode app = json.readTree(post("/api/v1/tenants/demo/apps", "{\"name\":\"CRM sync\",\"scopes\":[\"users_read\"]}", admin)
                .body());
        String clientId = app.get("clientId").asText();
        String secret = app.get("clientSecret").asText();

        String token = json.readTree(oauthToken(clientId, secret).body()).get("access_token").asText();
        HttpResponse<String> read = get("/api/v1/tenants/demo/users", token);
        HttpResponse<String> write = post("/api/v1/tenants/demo/users", "{\"extension\":\"1090\",\"displayName\":\"Bot\"}", token);
        HttpResponse<String> wrongSecret = oauthToken(clientId, secret + "x");
        assertThat(post("/api/v1/tenants/demo/apps/" + clientId + "/revoke", "", admin).statusCode()).isEqualTo(204);
        HttpResponse<String> afterRevoke = get("/api/v1/tenants/demo/users", token);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).get("field").asText()).isEqualTo("scopes");
        assertThat(clientId).matches("vg_[0-9a-f]{24}");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("scope-required");
        assertThat(json.readTree(wrongSecret.body()).get("error").asText()).isEqualTo("invalid_client");
        assertThat(afterRevoke.statusCode()).as("revoked: its token stops at once").isEqualTo(401);
        assertThat(oauthToken(clientId, secret).statusCode()).isEqualTo(401);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("app.register").contains("app.revoke")
                .contains("admin.access.denied").doesNotContain(secret);
    }

    private static HttpResponse<String> oauthToken(String clientId, String secret) throws Exception {
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + "/api/v1/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dialPlansStartSafeAndFraudLimitsAreValidatedPerScope() throws Exception {
        String admin = loginAs("rules@demo.example", "tenant-admin", "demo");

        JsonNode defaults = json.readTree(get("/api/v1/tenants/demo/dial-plans/tenant", admin).body());
        HttpResponse<String> badCountry = put("/api/v1/tenants/demo/dial-plans/tenant", "{\"allowedCountries\":[\"DE\",\"ZZ\"]}", admin);
        HttpResponse<String> saved = put("/api/v1/tenants/demo/dial-plans/role:user-admin",
                "{\"international\":true,\"allowedCountries\":[\"DE\",\"FR\"],\"blockedPrefixes\":[\"+4990\"]}", admin);
        HttpResponse<String> unknownUser = get("/api/v1/tenants/demo/dial-plans/user:4242", admin);
        HttpResponse<String> badTime = put("/api/v1/tenants/demo/fraud-limits/tenant", "{\"allowedFrom\":\"8am\",\"allowedUntil\":\"18:00\"}",
                admin);
        HttpResponse<String> limits = put("/api/v1/tenants/demo/fraud-limits/user:1001",
                "{\"concurrentCalls\":2,\"internationalMinutesPerDay\":60,\"dailySpendCapCents\":2000,\"currency\":\"EUR\","
                        + "\"allowedFrom\":\"08:00\",\"allowedUntil\":\"18:00\",\"allowedDays\":[\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"]}", admin);

        assertThat(defaults.get("configured").asBoolean()).isFalse();
        assertThat(defaults.get("international").asBoolean()).as("international blocked by default").isFalse();
        assertThat(defaults.get("premium").asBoolean()).isFalse();
        assertThat(defaults.get("highRisk").asBoolean()).isFalse();
        assertThat(defaults.get("emergency").asBoolean()).isTrue();
        assertThat(badCountry.statusCode()).isEqualTo(400);
        assertThat(json.readTree(badCountry.body()).get("field").asText()).isEqualTo("allowedCountries");
        assertThat(saved.statusCode()).isEqualTo(200);
        JsonNode stored = json.readTree(get("/api/v1/tenants/demo/dial-plans/role:user-admin", admin).body());
        assertThat(stored.get("configured").asBoolean()).isTrue();
        assertThat(stored.get("blockedPrefixes").get(0).asText()).isEqualTo("4990");
        assertThat(unknownUser.statusCode()).isEqualTo(404);
        assertThat(json.readTree(badTime.body()).get("field").asText()).isEqualTo("allowedFrom");
        assertThat(limits.statusCode()).as(limits.body()).isEqualTo(200);
        assertThat(json.readTree(get("/api/v1/tenants/demo/fraud-limits/user:1001", admin).body()).get("dailySpendCapCents").asLong())
                .isEqualTo(2000);
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("dial-plan.put")
                .contains("fraud-limits.put");
    }

    @Test
    void aTrunksPasswordGoesInSealedAndNeverComesOut() throws Exception {
        String admin = loginAs("carrier@demo.example", "phone-system-admin", "demo");

        HttpResponse<String> saved = put("/api/v1/tenants/demo/trunks/sip-carrier", "{\"host\":\"sip.carrier.example\",\"username\":"
                + "\"acme\",\"password\":\"trunk-secret-123\",\"outboundPrefix\":\"0\"}", admin);
        HttpResponse<String> badPort = put("/api/v1/tenants/demo/trunks/other", "{\"host\":\"sip.other.example\",\"port\":70000}", admin);
        HttpResponse<String> listed = get("/api/v1/tenants/demo/trunks", admin);

        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(json.readTree(saved.body()).get("passwordSet").asBoolean()).isTrue();
        assertThat(saved.body()).doesNotContain("trunk-secret-123");
        assertThat(listed.body()).contains("sip.carrier.example").doesNotContain("trunk-secret-123");
        assertThat(json.readTree(badPort.body()).get("field").asText()).isEqualTo("port");
        assertThat(CliTest.voxgate("-c", config, "audit", "list", "--tenant", "demo").out()).contains("trunk.put")
                .doesNotContain("trunk-secret-123");
    }

    @Test
    void oddPathsNeverReachAProtectedEndpointWithoutAToken() throws Exception {
        for (String path : List.of("/api/v1//me", "/API/v1/me", "/api/v1/me/", "/api/v1/auth/login/../../me", "/api/v1/%6de",
                "/api/v1/tenants/demo/users;x", "/api/v1/auth/login%2F..%2F..%2Fme")) {
            int status = get(path, null).statusCode();
            assertThat(status).as(path).isIn(400, 401, 403, 404, 405);
        }
    }

    @Test
    void curlSeesHstsAndOldTlsIsRefused() throws Exception {
        Assumptions.assumeTrue(new java.io.File("/usr/bin/curl").canExecute(), "curl is not installed (.ci/run installs it)");
        Path ca = base.resolve("data/pki/root-ca.pem");
        String url = "https://localhost:" + runtime.adminPort() + "/api/v1/me";

        Process ok = new ProcessBuilder("/usr/bin/curl", "-sS", "-i", "--cacert", ca.toString(), url).redirectErrorStream(true).start();
        String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        ok.waitFor(15, TimeUnit.SECONDS);
        Process old = new ProcessBuilder("/usr/bin/curl", "-sS", "--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", "--cacert", ca.toString(), url)
                .redirectErrorStream(true).start();
        old.getInputStream().readAllBytes();
        old.waitFor(15, TimeUnit.SECONDS);

        assertThat(out).contains("401").containsIgnoringCase("strict-transport-security: max-age=31536000; includeSubDomains");
        assertThat(old.exitValue()).as("TLS 1.1 handshake refused").isNotZero();
    }

    /** An account of {@code role} created by the CLI, TOTP enrolled, logged in: its access token. */
    private static String loginAs(String email, String role, String tenant) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("-c", config, "admins", "add", "--email", email, "--role", role));
        if (tenant != null) {
            args.addAll(List.of("--tenant", tenant));
        }
        CliTest.Result created = CliTest.voxgate(args.toArray(String[]::new));
        assertThat(created.exit()).as(created.err()).isZero();
        return firstLogin(email, created.out().replaceAll("(?s).*\\(shown once\\): (\\S+).*", "$1")).token();
    }

    /** An admin after the first login: TOTP enrolled as an authenticator app would, its secret kept for later codes. */
    private record LoggedIn(String token, byte[] totpSecret) {
    }

    private static LoggedIn firstLogin(String email, String password) throws Exception {
        String enrolment = json.readTree(post("/api/v1/auth/login", "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                null).body()).get("enrolmentToken").asText();
        byte[] secret = base32(json.readTree(post("/api/v1/auth/totp/enrol", "{\"enrolmentToken\":\"" + enrolment + "\"}", null).body())
                .get("otpauthUri").asText());
        String token = json.readTree(post("/api/v1/auth/totp/confirm", "{\"enrolmentToken\":\"" + enrolment + "\",\"code\":\""
                + code(secret) + "\"}", null).body()).get("accessToken").asText();
        return new LoggedIn(token, secret);
    }

    /** Every /api/v1 endpoint with the permission it declares, read from the controllers themselves. */
    private record Endpoint(String method, String path, Permission permission, String template) {
    }

    private static List<Endpoint> endpoints() {
        List<Endpoint> all = new java.util.ArrayList<>();
        for (Class<?> controller : List.of(AuthController.class, MeController.class, TenantsController.class, UsersController.class,
                AuditController.class, DevicesController.class, AppsController.class, CallingRulesController.class,
                TrunksController.class, DomainsController.class, io.voxgate.admin.http.RolesController.class,
                io.voxgate.admin.http.RatesController.class, io.voxgate.admin.http.PlatformAuditController.class,
                io.voxgate.admin.http.AdminsController.class)) {
            String base = controller.getAnnotation(io.micronaut.http.annotation.Controller.class).value();
            for (java.lang.reflect.Method m : controller.getDeclaredMethods()) {
                RequiresPermission needs = m.getAnnotation(RequiresPermission.class);
                io.micronaut.http.annotation.Get get = m.getAnnotation(io.micronaut.http.annotation.Get.class);
                io.micronaut.http.annotation.Post post = m.getAnnotation(io.micronaut.http.annotation.Post.class);
                io.micronaut.http.annotation.Patch patch = m.getAnnotation(io.micronaut.http.annotation.Patch.class);
                io.micronaut.http.annotation.Put put = m.getAnnotation(io.micronaut.http.annotation.Put.class);
                io.micronaut.http.annotation.Delete delete = m.getAnnotation(io.micronaut.http.annotation.Delete.class);
                if (needs != null && (get != null || post != null || patch != null || put != null || delete != null)) {
                    String sub = get != null ? get.value() : post != null ? post.value() : patch != null ? patch.value()
                            : put != null ? put.value() : delete.value();
                    String method = get != null ? "GET" : post != null ? "POST" : patch != null ? "PATCH" : put != null ? "PUT" : "DELETE";
                    // deletes aim at what does not exist: allowed is 404, so the matrix removes nothing other tests use
                    boolean harmless = "DELETE".equals(method);
                    String template = base + ("/".equals(sub) ? "" : sub);
                    String path = template.replace("{slug}", "demo")
                            .replace("{extension}", harmless ? "1999" : "1001")
                            .replace("{mac}", "0015650000ff").replace("{clientId}", "vg_000000000000000000000000")
                            .replace("{appliesTo}", harmless ? "role:reports-viewer" : "tenant")
                            .replace("{name}", harmless ? "no-such-trunk" : "carrier-one").replace("{domain}", "nosuch.example")
                            .replace("{prefix}", harmless ? "999999" : "44").replace("{id}", "00000000-0000-4000-8000-000000000000");
                    all.add(new Endpoint(method, path, needs.value(), template));
                }
            }
        }
        return all;
    }

    private static HttpResponse<String> call(Endpoint endpoint, String token) throws Exception {
        return switch (endpoint.method()) {
            case "GET" -> get(endpoint.path(), token);
            case "PATCH" -> patch(endpoint.path(), "{}", token, "\"stale\"");
            case "PUT" -> put(endpoint.path(), "{\"allowedDays\":[\"noday\"],\"allowedCountries\":[\"XX\"]}", token);
            case "DELETE" -> delete(endpoint.path(), token);
            default -> post(endpoint.path(), "{}", token);
        };
    }

    private static HttpResponse<String> post(String path, String body, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> patch(String path, String body, String bearer, String ifMatch) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> put(String path, String body, String bearer) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + bearer)
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(String path, String bearer) throws Exception {
        return https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path))
                .header("Authorization", "Bearer " + bearer).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + runtime.adminPort() + path)).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** RFC 6238 as an authenticator app computes it, written here independently of the switch's code. */
    private static String code(byte[] secret) throws Exception {
        return code(secret, 0);
    }

    /** The code {@code stepsAhead} 30-second steps from now: the switch accepts one step of skew, each step once. */
    private static String code(byte[] secret, int stepsAhead) throws Exception {
        long step = System.currentTimeMillis() / 1000 / 30 + stepsAhead;
        Mac hmac = Mac.getInstance("HmacSHA1");
        hmac.init(new SecretKeySpec(secret, "HmacSHA1"));
        byte[] h = hmac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
        int o = h[19] & 0x0F;
        int value = ((h[o] & 0x7F) << 24) | ((h[o + 1] & 0xFF) << 16) | ((h[o + 2] & 0xFF) << 8) | (h[o + 3] & 0xFF);
        return String.format("%06d", value % 1_000_000);
    }

    private static byte[] base32(String uri) {
        Matcher m = Pattern.compile("secret=([A-Z2-7]+)").matcher(uri);
        assertThat(m.find()).isTrue();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : m.group(1).toCharArray()) {
            buffer = (buffer << 5) | alphabet.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
