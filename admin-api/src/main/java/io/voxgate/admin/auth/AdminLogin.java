package io.voxgate.admin.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.admin.AdminAccount;
import io.voxgate.config.admin.AdminAccountDirectory;
import io.voxgate.admin.cache.FeedInvalidatedCache;
import io.voxgate.config.admin.AdminSession;
import io.voxgate.config.feed.ConfigChange;
import io.voxgate.config.audit.AuditEvent;
import io.voxgate.config.audit.AuditLog;
import io.voxgate.config.audit.AuditText;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.user.CredentialSeal;

/**
 * Admin login: password (Argon2id) and TOTP code together, both mandatory. An account whose TOTP
 * is not enrolled gets only a short enrolment token; a right password alone never opens a
 * session. Every outcome answers the same to the client (which accounts exist is not its to
 * learn), is audited with the reason, and failures count towards a lock. A login from a client
 * the account has not used before is an audit event of its own and a WARN: the notification an
 * operator's log shipping turns into an alert.
 */
public final class AdminLogin {

    public static final int LOCK_AFTER_FAILURES = 5;
    public static final Duration LOCK_DURATION = Duration.ofMinutes(15);
    public static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    /** An admin's password: long, since the API is the most attacked surface after SIP. */
    public static final int MIN_PASSWORD_LENGTH = 12;
    private static final String CONTROL_SCHEMA = "voxgate_control";
    private static final Logger log = LoggerFactory.getLogger(AdminLogin.class);

    /** What a login attempt came to. */
    public sealed interface Result {
        record Tokens(String accessToken, String refreshToken, Duration expiresIn, AdminPrincipal principal) implements Result {
            @Override
            public String toString() {
                return "Tokens[" + principal + ", withheld]";
            }
        }

        /** Right password, no TOTP yet: enrol one with this token. */
        record TotpEnrolmentRequired(String enrolmentToken) implements Result {
        }

        /** Wrong email, password or code, a locked or disabled account, a replayed code: one answer for all. */
        record Refused() implements Result {
        }
    }

    /** @param client the address and user agent the attempt came from */
    public record Client(String address, String userAgent) {
    }

    private final AdminAccountDirectory accounts;
    private final TenantDirectory tenants;
    private final PasswordHasher passwords;
    private final Totp totp;
    private final CredentialSeal seal;
    private final AccessTokens tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final String dummyHash;
    private final OAuthApps apps;
    /** Checked on every request: in memory, dropped when the session changes on any node (the change feed). */
    private final FeedInvalidatedCache<UUID, AdminSession> sessions;

    /** @param apps the OAuth apps whose tokens {@link #authenticate} accepts too; null for none */
    public AdminLogin(AdminAccountDirectory accounts, TenantDirectory tenants, PasswordHasher passwords, Totp totp, CredentialSeal seal,
                      AccessTokens tokens, AuditLog audit, Clock clock, OAuthApps apps) {
        this.accounts = accounts;
        this.tenants = tenants;
        this.passwords = passwords;
        this.totp = totp;
        this.seal = seal;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.apps = apps;
        this.sessions = new FeedInvalidatedCache<>(Set.of("admin_sessions"), UUID::fromString, accounts::session);
        this.dummyHash = passwords.hash("no account has this password".toCharArray());
    }

    public Result login(String email, char[] password, String totpCode, Client client) {
        Optional<AdminAccount> found = accounts.findByEmail(email);
        if (found.isEmpty()) {
            passwords.matches(password, dummyHash); // as slow as a real check: timing tells no account apart
            record(null, "admin:" + AuditText.printable(email, 200), "admin.login", client, AuditEvent.Outcome.REFUSED, "unknown account");
            return new Result.Refused();
        }
        AdminAccount account = found.get();
        if (!"active".equals(account.status())) {
            passwords.matches(password, dummyHash);
            return refuse(account, client, "account disabled");
        }
        Optional<Integer> attempt = beginAttempt(account);
        if (attempt.isEmpty()) {
            passwords.matches(password, dummyHash);
            return refuse(account, client, "account locked");
        }
        String locking = attempt.get() >= LOCK_AFTER_FAILURES ? "; account locked for " + LOCK_DURATION : "";
        if (!passwords.matches(password, account.passwordHash())) {
            return refuse(account, client, "wrong password" + locking);
        }
        if (!account.totpConfirmed()) {
            accounts.clearFailures(account.id());
            record(account, "admin.login", client, AuditEvent.Outcome.REFUSED, "TOTP not enrolled: enrolment token issued");
            return new Result.TotpEnrolmentRequired(tokens.issueEnrolment(account.id()));
        }
        OptionalLong step = totp.verify(secretOf(account), totpCode);
        if (step.isEmpty()) {
            return refuse(account, client, "wrong TOTP code" + locking);
        }
        if (!accounts.acceptTotpStep(account.id(), step.getAsLong())) {
            return refuse(account, client, "TOTP code used before (replay)" + locking);
        }
        if (passwords.needsRehash(account.passwordHash())) {
            accounts.setPasswordHash(account.id(), passwords.hash(password));
        }
        return openSession(account, client, "admin.login");
    }

    /** The attempt counted before anything is checked; empty while the account is locked. */
    private Optional<Integer> beginAttempt(AdminAccount account) {
        Optional<Integer> attempt = accounts.beginAttempt(account.id(), LOCK_AFTER_FAILURES, clock.instant(),
                clock.instant().plus(LOCK_DURATION));
        if (attempt.isPresent() && attempt.get() == LOCK_AFTER_FAILURES) {
            log.warn("admin {} locked for {} after {} attempts without success", account.email(), LOCK_DURATION, attempt.get());
        }
        return attempt;
    }

    /** Starts TOTP enrolment: a new secret, sealed, and the otpauth URI to show once (a QR code). */
    public Optional<String> startTotpEnrolment(String enrolmentToken, String issuer) {
        return tokens.verifyEnrolment(enrolmentToken).flatMap(accounts::find).filter(a -> !a.totpConfirmed()).map(account -> {
            byte[] secret = totp.newSecret();
            accounts.setTotp(account.id(), seal.seal(CONTROL_SCHEMA, account.id().toString(), new String(Base64.getEncoder()
                    .encode(secret), StandardCharsets.US_ASCII)), false);
            return Totp.otpauthUri(issuer, account.email(), secret);
        });
    }

    /** Confirms the enrolment with a first code from the app; the login is then complete. */
    public Result confirmTotp(String enrolmentToken, String code, Client client) {
        Optional<AdminAccount> found = tokens.verifyEnrolment(enrolmentToken).flatMap(accounts::find)
                .filter(a -> !a.totpConfirmed() && a.totpSealed() != null);
        if (found.isEmpty()) {
            record(null, "admin:unknown", "admin.totp.enrol", client, AuditEvent.Outcome.REFUSED, "no enrolment in progress");
            return new Result.Refused();
        }
        AdminAccount account = found.get();
        if (!"active".equals(account.status())) {
            return refuse(account, client, "account disabled");
        }
        if (beginAttempt(account).isEmpty()) {
            return refuse(account, client, "account locked");
        }
        byte[] secret = secretOf(account);
        OptionalLong step = totp.verify(secret, code);
        if (step.isEmpty() || !accounts.acceptTotpStep(account.id(), step.getAsLong())) {
            return refuse(account, client, "wrong TOTP code at enrolment");
        }
        accounts.setTotp(account.id(), account.totpSealed(), true);
        record(account, "admin.totp.enrol", client, AuditEvent.Outcome.SUCCESS, null);
        return openSession(account, client, "admin.login");
    }

    /** A new access token for a refresh token, which is used up and replaced; a reused one ends its session. */
    public Result refresh(String refreshToken, Client client) {
        String next = newRefreshToken();
        return switch (accounts.rotateRefresh(Sha256.of(refreshToken), Sha256.of(next), clock.instant())) {
            case AdminAccountDirectory.Rotation.Rotated(AdminSession session) -> {
                Optional<AdminAccount> account = accounts.find(session.accountId()).filter(a -> "active".equals(a.status()));
                if (account.isEmpty()) {
                    accounts.revokeSession(session.id(), "account disabled");
                    sessions.invalidate(session.id());
                    yield new Result.Refused();
                }
                AdminPrincipal principal = principal(account.get(), session.id());
                yield new Result.Tokens(tokens.issue(principal), next, AccessTokens.LIFETIME, principal);
            }
            case AdminAccountDirectory.Rotation.Reused(UUID sessionId) -> {
                sessions.invalidate(sessionId);
                log.warn("admin session {} revoked: a refresh token was used twice (stolen?), from {}", sessionId, client.address());
                record(null, "session:" + sessionId, "admin.session.revoke", client, AuditEvent.Outcome.REFUSED, "refresh token reused");
                yield new Result.Refused();
            }
            case AdminAccountDirectory.Rotation.Unknown() -> new Result.Refused();
        };
    }

    /**
     * The principal of an access token whose session is still open (an admin's) or whose app is
     * still registered: revocation takes effect at once.
     */
    public Optional<AdminPrincipal> authenticate(String accessToken) {
        return tokens.verify(accessToken).filter(p -> p.isApp() ? apps != null && apps.active(p)
                : sessions.get(p.sessionId()).filter(s -> s.activeAt(clock.instant())).isPresent());
    }

    /**
     * Subscribed to the change feed: a session revoked on another node stops working here within
     * the feed's delay (a fraction of a second); revoked on this node, at once.
     */
    public void onConfigChange(ConfigChange change) {
        sessions.onConfigChange(change);
        if (apps != null) {
            apps.onConfigChange(change);
        }
    }

    /** Why a password change was refused; empty when it was made. */
    public Optional<String> changePassword(AdminPrincipal principal, char[] current, char[] next, Client client) {
        Optional<AdminAccount> account = principal.isApp() ? Optional.empty() : accounts.find(principal.accountId());
        if (account.isEmpty()) {
            return Optional.of("currentPassword: not the account's password");
        }
        // counted like a login attempt: a stolen access token is no way to guess the password at leisure
        if (beginAttempt(account.get()).isEmpty()) {
            record(account.get(), "admin.password.change", client, AuditEvent.Outcome.REFUSED, "account locked");
            return Optional.of("currentPassword: the account is locked for now after failed attempts");
        }
        if (!passwords.matches(current, account.get().passwordHash())) {
            record(account.get(), "admin.password.change", client, AuditEvent.Outcome.REFUSED, "wrong current password");
            return Optional.of("currentPassword: not the account's password");
        }
        accounts.clearFailures(account.get().id());
        if (next.length < MIN_PASSWORD_LENGTH || next.length > 200 || java.util.Arrays.equals(current, next)) {
            return Optional.of("newPassword: " + MIN_PASSWORD_LENGTH + " to 200 characters, not the current one");
        }
        accounts.setPasswordHash(account.get().id(), passwords.hash(next));
        endSessions(account.get().id(), "password change");
        record(account.get(), "admin.password.change", client, AuditEvent.Outcome.SUCCESS, null);
        return Optional.empty();
    }

    /** Ends every session of an account at once (a password change, an admin's action); the number ended. */
    public int endSessions(UUID accountId, String reason) {
        int ended = accounts.revokeAllSessions(accountId, reason);
        sessions.invalidateAll(); // kept by session id: this node forgets them all, the others hear of each from the feed
        return ended;
    }

    public void logout(AdminPrincipal principal, Client client) {
        accounts.revokeSession(principal.sessionId(), "logout");
        sessions.invalidate(principal.sessionId());
        accounts.find(principal.accountId()).ifPresent(a -> record(a, "admin.logout", client, AuditEvent.Outcome.SUCCESS, null));
    }

    private Result openSession(AdminAccount account, Client client, String action) {
        String refresh = newRefreshToken();
        AdminSession session = accounts.openSession(account.id(), Sha256.of(refresh), clock.instant().plus(SESSION_LIFETIME), client.address());
        AdminPrincipal principal = principal(account, session.id());
        record(account, action, client, AuditEvent.Outcome.SUCCESS, null);
        if (accounts.rememberClient(account.id(), Sha256.of(client.address() + "\u0000" + client.userAgent()))) {
            log.warn("admin {} logged in from a new client: {} ({})", account.email(), client.address(),
                    AuditText.printable(client.userAgent(), 200));
            record(account, "admin.login.new-client", client, AuditEvent.Outcome.SUCCESS, null);
        }
        return new Result.Tokens(tokens.issue(principal), refresh, AccessTokens.LIFETIME, principal);
    }

    private Result refuse(AdminAccount account, Client client, String reason) {
        record(account, "admin.login", client, AuditEvent.Outcome.REFUSED, reason);
        return new Result.Refused();
    }

    private byte[] secretOf(AdminAccount account) {
        return Base64.getDecoder().decode(seal.open(CONTROL_SCHEMA, account.id().toString(), account.totpSealed()));
    }

    private static AdminPrincipal principal(AdminAccount account, UUID sessionId) {
        return new AdminPrincipal(account.id(), sessionId, account.tenantId(), account.role());
    }

    private void record(AdminAccount account, String action, Client client, AuditEvent.Outcome outcome, String reason) {
        Tenant tenant = account.tenantId() == null ? null : tenants.find(account.tenantId()).orElse(null);
        record(tenant, "admin:" + account.email(), action, client, outcome, reason);
    }

    private void record(Tenant tenant, String actor, String action, Client client, AuditEvent.Outcome outcome, String reason) {
        Map<String, String> detail = new HashMap<>();
        detail.put("user_agent", AuditText.printable(client.userAgent(), 200));
        if (reason != null) {
            detail.put("reason", reason);
        }
        audit.record(tenant, new AuditEvent(actor.length() > 200 ? actor.substring(0, 200) : actor, action, null, client.address(),
                outcome, detail));
    }

    private String newRefreshToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
