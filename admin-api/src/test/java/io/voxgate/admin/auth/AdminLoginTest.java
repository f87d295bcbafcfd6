package io.voxgate.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.CredentialSeal;

/** Admin login against a real PostgreSQL: password and TOTP, enrolment, replay, lock, refresh rotation, revocation. */
class AdminLoginTest {

    private static final char[] PASSWORD = "a long admin passphrase 42".toCharArray();
    private static final AdminLogin.Client CLIENT = new AdminLogin.Client("192.0.2.7", "curl/8.5");

    /** Moves in whole TOTP steps. */
    private static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");

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

        void nextStep() {
            now = now.plusSeconds(Totp.STEP_SECONDS);
        }
    }

    @TempDir
    Path dir;

    private ConfigDatabase database;
    private AdminAccountDirectory accounts;
    private AdminLogin login;
    private AuditLog audit;
    private Tenant acme;
    private final StepClock clock = new StepClock();

    @BeforeEach
    void start() throws Exception {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        accounts = new AdminAccountDirectory(database);
        audit = new AuditLog(database);
        PasswordHasher hasher = new PasswordHasher();
        accounts.create("Alice@Acme.Example", acme.id(), "tenant-admin", hasher.hash(PASSWORD));
        login = new AdminLogin(accounts, tenants, hasher, new Totp(clock), CredentialSeal.fromSecretsDirectory(dir),
                new AccessTokens(new byte[32], clock), audit, clock, null);
    }

    @AfterEach
    void stop() {
        database.close();
    }

    /** Logs in the first time: password, then TOTP enrolment confirmed with the app's first code. */
    private byte[] enrol() {
        var first = (AdminLogin.Result.TotpEnrolmentRequired) login.login("alice@acme.example", PASSWORD, null, CLIENT);
        String uri = login.startTotpEnrolment(first.enrolmentToken(), "Voxgate test").orElseThrow();
        Matcher secret = Pattern.compile("secret=([A-Z2-7]+)").matcher(uri);
        assertThat(secret.find()).isTrue();
        byte[] key = base32(secret.group(1));
        assertThat(login.confirmTotp(first.enrolmentToken(), code(key), CLIENT)).isInstanceOf(AdminLogin.Result.Tokens.class);
        return key;
    }

    @Test
    void aPasswordAloneOpensNoSessionOnlyTotpEnrolment() {
        AdminLogin.Result result = login.login("alice@acme.example", PASSWORD, "000000", CLIENT);

        assertThat(result).isInstanceOf(AdminLogin.Result.TotpEnrolmentRequired.class);
        assertThat(login.authenticate(((AdminLogin.Result.TotpEnrolmentRequired) result).enrolmentToken())).as("not an access token")
                .isEmpty();
    }

    @Test
    void passwordAndCodeGiveTokensAndTheSameCodeTwiceIsRefused() {
        byte[] key = enrol();
        clock.nextStep();

        var tokens = (AdminLogin.Result.Tokens) login.login("alice@acme.example", PASSWORD, code(key), CLIENT);
        assertThat(login.authenticate(tokens.accessToken())).hasValueSatisfying(p -> {
            assertThat(p.role()).isEqualTo("tenant-admin");
            assertThat(p.tenantId()).isEqualTo(acme.id());
        });
        assertThat(login.login("alice@acme.example", PASSWORD, code(key), CLIENT)).as("replayed code").isInstanceOf(AdminLogin.Result.Refused.class);
        assertThat(audit.newest(acme, 20)).anySatisfy(e -> assertThat(e.detailJson()).contains("replay"));
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightCredentials() {
        byte[] key = enrol();
        for (int i = 0; i < AdminLogin.LOCK_AFTER_FAILURES; i++) {
            clock.nextStep();
            assertThat(login.login("alice@acme.example", "wrong".toCharArray(), code(key), CLIENT)).isInstanceOf(AdminLogin.Result.Refused.class);
        }
        clock.nextStep();

        assertThat(login.login("alice@acme.example", PASSWORD, code(key), CLIENT)).isInstanceOf(AdminLogin.Result.Refused.class);
        assertThat(audit.newest(acme, 5)).anySatisfy(e -> assertThat(e.detailJson()).contains("locked"));
        clock.now = clock.now.plus(AdminLogin.LOCK_DURATION);
        assertThat(login.login("alice@acme.example", PASSWORD, code(key), CLIENT)).isInstanceOf(AdminLogin.Result.Tokens.class);
    }

    @Test
    void parallelGuessesCannotSlipPastTheLock() throws Exception {
        byte[] key = enrol();
        clock.nextStep();
        String code = code(key);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            var guesses = new java.util.ArrayList<java.util.concurrent.Future<AdminLogin.Result>>();
            for (int i = 0; i < 8; i++) {
                guesses.add(pool.submit(() -> login.login("alice@acme.example", "guess".toCharArray(), code, CLIENT)));
            }
            for (var guess : guesses) {
                assertThat(guess.get()).isInstanceOf(AdminLogin.Result.Refused.class);
            }
        } finally {
            pool.shutdown();
        }

        long checked = audit.newest(acme, 50).stream().filter(e -> e.detailJson().contains("wrong password")).count();
        assertThat(checked).as("only as many passwords tried as the lock allows").isEqualTo(AdminLogin.LOCK_AFTER_FAILURES);
        assertThat(login.login("alice@acme.example", PASSWORD, code, CLIENT)).isInstanceOf(AdminLogin.Result.Refused.class);
    }

    @Test
    void anUnknownAccountGetsTheSameRefusalAndIsAudited() {
        assertThat(login.login("mallory@acme.example", PASSWORD, "123456", CLIENT)).isInstanceOf(AdminLogin.Result.Refused.class);
        assertThat(audit.newest(null, 5)).anySatisfy(e -> assertThat(e.actor()).isEqualTo("admin:mallory@acme.example"));
    }

    @Test
    void aRefreshTokenRotatesAndOneUsedTwiceEndsTheSession() {
        enrol();
        clock.nextStep();
        var first = (AdminLogin.Result.Tokens) login.login("alice@acme.example", PASSWORD, code(enrolledKey()), CLIENT);

        var second = (AdminLogin.Result.Tokens) login.refresh(first.refreshToken(), CLIENT);
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(login.authenticate(second.accessToken())).isPresent();

        assertThat(login.refresh(first.refreshToken(), CLIENT)).as("the old one again: stolen").isInstanceOf(AdminLogin.Result.Refused.class);
        assertThat(login.authenticate(second.accessToken())).as("the whole session is revoked").isEmpty();
        assertThat(login.refresh(second.refreshToken(), CLIENT)).isInstanceOf(AdminLogin.Result.Refused.class);
    }

    @Test
    void logoutRevokesTheSessionAtOnceAndANewClientIsReported() {
        enrol();
        clock.nextStep();
        var tokens = (AdminLogin.Result.Tokens) login.login("alice@acme.example", PASSWORD, code(enrolledKey()), CLIENT);
        assertThat(audit.newest(acme, 20)).anySatisfy(e -> assertThat(e.action()).isEqualTo("admin.login.new-client"));

        login.logout(login.authenticate(tokens.accessToken()).orElseThrow(), CLIENT);

        assertThat(login.authenticate(tokens.accessToken())).isEmpty();
    }

    private byte[] key;

    private byte[] enrolledKey() {
        return key;
    }

    private String code(byte[] secret) {
        this.key = secret;
        return String.format("%06d", Totp.code(secret, clock.instant().getEpochSecond() / Totp.STEP_SECONDS, Totp.DIGITS));
    }

    private static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
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
