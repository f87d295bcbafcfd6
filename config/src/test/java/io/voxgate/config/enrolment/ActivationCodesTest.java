package io.voxgate.config.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.enrolment.Redemption.AlreadyUsed;
import io.voxgate.config.enrolment.Redemption.Expired;
import io.voxgate.config.enrolment.Redemption.Redeemed;
import io.voxgate.config.enrolment.Redemption.Unknown;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.UserDirectory;

class ActivationCodesTest {

    private static final String PASSWORD = "correct-horse-battery-staple";
    private static final String PHONE = "001565abcdef";
    private static final String OTHER_PHONE = "000413123456";
    private static final String ADMIN = "admin:root";
    private static final String CROCKFORD_GROUPS = "[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}";

    private ConfigDatabase database;
    private ActivationCodes codes;
    private Tenant acme;
    private Tenant globex;

    @BeforeEach
    void twoTenantsWithAUserOfTheSameExtensionEach() {
        // big enough for the racing redemptions below
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 10);
        database.migrate();
        TenantDirectory tenants = new TenantDirectory(database);
        acme = tenants.create("acme", "Acme", "acme.example");
        globex = tenants.create("globex", "Globex", "globex.example");
        UserDirectory users = new UserDirectory(database);
        users.add(acme, "1001", "Alice", null, PASSWORD);
        users.add(globex, "1001", "Gina", null, PASSWORD);
        codes = new ActivationCodes(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void codeIsSixteenCrockfordCharactersInGroupsOfFour() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThat(issued.code()).matches(CROCKFORD_GROUPS);
        assertThat(issued.userExtension()).isEqualTo("1001");
    }

    @Test
    void codeExpiresAfterItsLifetime() {
        IssuedCode issued = codes.create(acme, "1001", Duration.ofHours(2), ADMIN);

        PendingCode pending = codes.pending(acme).getFirst();
        assertThat(Duration.between(pending.createdAt(), issued.expiresAt())).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void createdCodeRedeemsForItsUser() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        Redemption redemption = codes.redeem(issued.code(), PHONE);

        assertThat(redemption).isEqualTo(new Redeemed(acme, "1001", "Alice"));
        assertThat(tenantText(acme, "SELECT used_by_mac FROM activation_codes")).isEqualTo(PHONE);
    }

    @Test
    void secondRedemptionIsAlreadyUsedAndNamesTheTenant() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        codes.redeem(issued.code(), PHONE);

        Redemption again = codes.redeem(issued.code(), OTHER_PHONE);

        assertThat(again).isEqualTo(new AlreadyUsed(acme));
        assertThat(tenantText(acme, "SELECT used_by_mac FROM activation_codes")).isEqualTo(PHONE);
    }

    @Test
    void codePastItsExpiryIsExpiredAndStaysUnused() {
        // given a one-minute code whose minute has passed
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.MIN_LIFETIME, ADMIN);
        database.inTenant(acme.schema(), c -> Sql.update(c, """
                UPDATE activation_codes SET created_at = now() - interval '2 minutes', expires_at = now() - interval '1 minute'
                """));

        // when
        Redemption redemption = codes.redeem(issued.code(), PHONE);

        // then
        assertThat(redemption).isEqualTo(new Expired(acme));
        assertThat(tenantText(acme, "SELECT coalesce(used_by_mac, 'unused') FROM activation_codes")).isEqualTo("unused");
        assertThat(codes.pending(acme)).isEmpty();
    }

    @Test
    void codeNeverIssuedIsUnknown() {
        codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThat(codes.redeem("ABCD-EFGH-JKMN-PQRS", PHONE)).isEqualTo(new Unknown());
    }

    @Test
    void textThatIsNoCodeIsUnknown() {
        assertThat(codes.redeem("hello", PHONE)).isEqualTo(new Unknown());
        assertThat(codes.redeem("UUUU-UUUU-UUUU-UUUU", PHONE)).isEqualTo(new Unknown());
        assertThat(codes.redeem(null, PHONE)).isEqualTo(new Unknown());
    }

    @Test
    void codeOfOneTenantEnrolsIntoThatTenantOnly() {
        // given a code of each tenant for its extension 1001
        IssuedCode acmeCode = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        IssuedCode globexCode = codes.create(globex, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        // when acme's is redeemed
        Redemption redemption = codes.redeem(acmeCode.code(), PHONE);

        // then the device lands at acme's Alice, and globex's code is untouched
        assertThat(redemption).isEqualTo(new Redeemed(acme, "1001", "Alice"));
        assertThat(codes.pending(acme)).isEmpty();
        assertThat(codes.pending(globex)).extracting(PendingCode::id).containsExactly(globexCode.id());
    }

    @Test
    void codeIsAcceptedInLowerCaseWithoutDashes() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        String typed = issued.code().replace("-", "").toLowerCase(Locale.ROOT);

        assertThat(codes.redeem(typed, PHONE)).isInstanceOf(Redeemed.class);
    }

    @Test
    void codeIsAcceptedWithSpacesAndLettersTypedForDigits() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        String typed = issued.code().replace('-', ' ').replace('0', 'O').replace('1', 'l');

        assertThat(codes.redeem(typed, PHONE)).isInstanceOf(Redeemed.class);
    }

    @Test
    void lettersPeopleConfuseWithDigitsReadAsThoseDigits() {
        assertThat(ActivationCode.parse("oOoO-iIiI-lLlL-abcd")).contains(new ActivationCode("000011111111ABCD"));
    }

    @Test
    void codeOfTheWrongLengthOrWithUIsNoCode() {
        assertThat(ActivationCode.parse("ABCD-EFGH-JKMN-PQR")).isEmpty();
        assertThat(ActivationCode.parse("ABCD-EFGH-JKMN-PQRST")).isEmpty();
        assertThat(ActivationCode.parse("ABCD-EFGH-JKMN-PQRU")).isEmpty();
    }

    @Test
    void eightDevicesRacingForOneCodeEnrolExactlyOne() throws Exception {
        // given
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Redemption>> attempts = new ArrayList<>();

        // when eight devices present it at once
        try (ExecutorService devices = Executors.newFixedThreadPool(8)) {
            for (int device = 0; device < 8; device++) {
                String mac = "00156500000" + device;
                attempts.add(devices.submit(() -> {
                    start.await();
                    return codes.redeem(issued.code(), mac);
                }));
            }
            start.countDown();
        }

        // then one is enrolled and seven are told it was used
        List<Redemption> outcomes = new ArrayList<>();
        for (Future<Redemption> attempt : attempts) {
            outcomes.add(attempt.get());
        }
        assertThat(outcomes).filteredOn(Redeemed.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(AlreadyUsed.class::isInstance).hasSize(7);
    }

    @Test
    void lifetimeShorterThanAMinuteOrLongerThanSevenDaysIsRefusedNamingTheLimits() {
        for (Duration outOfBounds : List.of(Duration.ofSeconds(59), Duration.ofDays(7).plusSeconds(1), Duration.ZERO)) {
            assertThatThrownBy(() -> codes.create(acme, "1001", outOfBounds, ADMIN))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("between 1 minute and 7 days");
        }
        assertThat(codes.pending(acme)).isEmpty();
    }

    @Test
    void lifetimesOfExactlyTheLimitsAreAccepted() {
        assertThatCode(() -> codes.create(acme, "1001", ActivationCodes.MIN_LIFETIME, ADMIN)).doesNotThrowAnyException();
        assertThatCode(() -> codes.create(acme, "1001", ActivationCodes.MAX_LIFETIME, ADMIN)).doesNotThrowAnyException();
    }

    @Test
    void unknownExtensionIsRefusedNamingItAndNothingIsStored() {
        assertThatThrownBy(() -> codes.create(acme, "4242", ActivationCodes.DEFAULT_LIFETIME, ADMIN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("extension '4242' does not exist in tenant acme");
        assertThat(controlText("SELECT count(*)::text FROM activation_code_index")).isEqualTo("0");
    }

    @Test
    void deletingTheUserDeletesItsCodesInTheTenantAndTheIndex() {
        // given
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        // when
        database.inTenant(acme.schema(), c -> Sql.update(c, "DELETE FROM users WHERE extension = '1001'"));

        // then
        assertThat(tenantText(acme, "SELECT count(*)::text FROM activation_codes")).isEqualTo("0");
        assertThat(controlText("SELECT count(*)::text FROM activation_code_index")).isEqualTo("0");
        assertThat(codes.redeem(issued.code(), PHONE)).isEqualTo(new Unknown());
    }

    @Test
    void databaseNeverHoldsTheClearCode() {
        // given a code created and redeemed
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        codes.redeem(issued.code(), PHONE);

        // when every column of both tables is read as text
        String tenantRows = tenantText(acme, "SELECT string_agg(a::text, '|') FROM activation_codes a");
        String controlRows = controlText("SELECT string_agg(i::text, '|') FROM activation_code_index i");

        // then the code appears in neither, with or without its dashes
        String undashed = issued.code().replace("-", "");
        assertThat(tenantRows + controlRows).doesNotContainIgnoringCase(issued.code()).doesNotContainIgnoringCase(undashed);
        assertThat(tenantRows).contains(PHONE);
    }

    @Test
    void issuedCodeWithholdsTheCodeFromToString() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThat(issued.toString()).doesNotContain(issued.code()).contains("withheld");
    }

    @Test
    void pendingListsCodesNeitherUsedNorExpiredWithoutTheirCode() {
        // given one code redeemed and one still open
        codes.redeem(codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN).code(), PHONE);
        IssuedCode open = codes.create(acme, "1001", Duration.ofHours(1), ADMIN);

        // when
        List<PendingCode> pending = codes.pending(acme);

        // then
        assertThat(pending).containsExactly(new PendingCode(open.id(), "1001", pending.getFirst().createdAt(),
                open.expiresAt(), ADMIN));
    }

    @Test
    void revokedCodeIsNoLongerPendingNorRedeemable() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThat(codes.revoke(acme, issued.id())).isTrue();

        assertThat(codes.pending(acme)).isEmpty();
        assertThat(codes.redeem(issued.code(), PHONE)).isEqualTo(new Unknown());
    }

    @Test
    void usedCodeOrACodeOfAnotherTenantCannotBeRevoked() {
        IssuedCode used = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);
        codes.redeem(used.code(), PHONE);
        IssuedCode open = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThat(codes.revoke(acme, used.id())).isFalse();
        assertThat(codes.revoke(globex, open.id())).isFalse();
        assertThat(codes.pending(acme)).extracting(PendingCode::id).containsExactly(open.id());
    }

    @Test
    void nonCanonicalMacIsRefusedBeforeTheCodeIsUsed() {
        IssuedCode issued = codes.create(acme, "1001", ActivationCodes.DEFAULT_LIFETIME, ADMIN);

        assertThatThrownBy(() -> codes.redeem(issued.code(), "00:15:65:AB:CD:EF"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 lower-case hex digits");
        assertThat(codes.pending(acme)).hasSize(1);
    }

    private String tenantText(Tenant tenant, String sql) {
        return database.inTenant(tenant.schema(), c -> Sql.one(c, sql, row -> row.getString(1)).orElseThrow());
    }

    private String controlText(String sql) {
        return database.inControl(c -> Sql.one(c, sql, row -> row.getString(1)).orElseThrow());
    }
}
