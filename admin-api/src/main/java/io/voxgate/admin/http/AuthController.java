package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminLogin;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;

/**
 * {@code /api/v1/auth}: login with password and TOTP, TOTP enrolment, token refresh, logout.
 * Argon2 and JDBC run on the blocking executor, never on the event loop.
 */
@Controller("/api/v1/auth")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AuthController {

    @Serdeable
    public record LoginRequest(@Nullable String email, @Nullable String password, @Nullable String totp) {
        @Override
        public String toString() {
            return "LoginRequest[" + email + ", withheld]";
        }
    }

    @Serdeable
    public record EnrolmentRequest(@Nullable String enrolmentToken, @Nullable String code) {
        @Override
        public String toString() {
            return "EnrolmentRequest[withheld]";
        }
    }

    @Serdeable
    public record RefreshRequest(@Nullable String refreshToken) {
        @Override
        public String toString() {
            return "RefreshRequest[withheld]";
        }
    }

    private final AdminLogin login;
    private final AdminApiSettings settings;

    public AuthController(AdminLogin login, AdminApiSettings settings) {
        this.login = login;
        this.settings = settings;
    }

    @Post("/login")
    public MutableHttpResponse<?> login(HttpRequest<?> request, @Body LoginRequest body) {
        if (body.email() == null || body.email().isBlank()) {
            return Problems.missing("email");
        }
        if (body.password() == null || body.password().isEmpty()) {
            return Problems.missing("password");
        }
        return answer(login.login(body.email(), body.password().toCharArray(), body.totp(), client(request)));
    }

    @Post("/totp/enrol")
    public MutableHttpResponse<?> enrol(@Body EnrolmentRequest body) {
        if (body.enrolmentToken() == null) {
            return Problems.missing("enrolmentToken");
        }
        return login.startTotpEnrolment(body.enrolmentToken(), settings.totpIssuer())
                .<MutableHttpResponse<?>>map(uri -> HttpResponse.ok(Map.of("otpauthUri", uri)))
                .orElseGet(() -> Problems.of(HttpStatus.UNAUTHORIZED, null, "Enrolment refused",
                        "the enrolment token is not valid (expired, or TOTP enrolled already): log in again", "enrolmentToken"));
    }

    @Post("/totp/confirm")
    public MutableHttpResponse<?> confirm(HttpRequest<?> request, @Body EnrolmentRequest body) {
        if (body.enrolmentToken() == null) {
            return Problems.missing("enrolmentToken");
        }
        if (body.code() == null) {
            return Problems.missing("code");
        }
        return answer(login.confirmTotp(body.enrolmentToken(), body.code(), client(request)));
    }

    @Post("/refresh")
    public MutableHttpResponse<?> refresh(HttpRequest<?> request, @Body RefreshRequest body) {
        if (body.refreshToken() == null) {
            return Problems.missing("refreshToken");
        }
        return answer(login.refresh(body.refreshToken(), client(request)));
    }

    @Post("/logout")
    @RequiresPermission(Permission.SELF_READ)
    public MutableHttpResponse<?> logout(HttpRequest<?> request) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        if (principal == null) {
            return Problems.unauthorized();
        }
        login.logout(principal, client(request));
        return HttpResponse.noContent();
    }

    private static MutableHttpResponse<?> answer(AdminLogin.Result result) {
        return switch (result) {
            case AdminLogin.Result.Tokens tokens -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("tokenType", "Bearer");
                body.put("accessToken", tokens.accessToken());
                body.put("expiresIn", tokens.expiresIn().toSeconds());
                body.put("refreshToken", tokens.refreshToken());
                yield HttpResponse.ok(body);
            }
            case AdminLogin.Result.TotpEnrolmentRequired enrolment -> {
                MutableHttpResponse<Map<String, Object>> problem = Problems.of(HttpStatus.UNAUTHORIZED, "totp-enrolment-required",
                        "TOTP enrolment required", "every admin logs in with a TOTP code: POST /api/v1/auth/totp/enrol with the "
                                + "enrolment token, add the otpauth URI to an authenticator app, then POST /api/v1/auth/totp/confirm", null);
                problem.body().put("enrolmentToken", enrolment.enrolmentToken());
                yield problem;
            }
            case AdminLogin.Result.Refused refused -> Problems.of(HttpStatus.UNAUTHORIZED, null, "Login refused",
                    "wrong email, password or TOTP code, or the account is locked or disabled", null);
        };
    }

    static AdminLogin.Client client(HttpRequest<?> request) {
        String agent = request.getHeaders().get("User-Agent");
        return new AdminLogin.Client(request.getRemoteAddress().getAddress().getHostAddress(), agent == null ? "" : agent);
    }
}
