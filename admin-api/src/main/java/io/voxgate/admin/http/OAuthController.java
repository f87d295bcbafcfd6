package io.voxgate.admin.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.voxgate.admin.auth.AccessTokens;
import io.voxgate.admin.auth.OAuthApps;

/**
 * {@code POST /api/v1/oauth/token}: the client-credentials grant (RFC 6749 §4.4). The client
 * authenticates with HTTP Basic (client id and secret), as §2.3.1 asks servers to support;
 * errors are RFC 6749 §5.2 documents.
 */
@Controller("/api/v1/oauth/token")
@ExecuteOn(TaskExecutors.BLOCKING)
public class OAuthController {

    private final OAuthApps apps;

    public OAuthController(OAuthApps apps) {
        this.apps = apps;
    }

    @Post(consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public MutableHttpResponse<?> token(HttpRequest<?> request, @Body @Nullable Map<String, String> form) {
        if (form == null || !"client_credentials".equals(form.get("grant_type"))) {
            return error(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        String[] client = basic(request.getHeaders().getAuthorization().orElse(""));
        if (client == null) {
            return error(HttpStatus.UNAUTHORIZED, "invalid_client", "authenticate with HTTP Basic: client id and secret")
                    .header("WWW-Authenticate", "Basic realm=\"voxgate\"");
        }
        String address = request.getRemoteAddress().getAddress().getHostAddress();
        return apps.token(client[0], client[1], address).<MutableHttpResponse<?>>map(token -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", token);
            body.put("token_type", "Bearer");
            body.put("expires_in", AccessTokens.LIFETIME.toSeconds());
            return HttpResponse.ok(body).header("Cache-Control", "no-store");
        }).orElseGet(() -> error(HttpStatus.UNAUTHORIZED, "invalid_client", "unknown client, wrong secret or revoked app")
                .header("WWW-Authenticate", "Basic realm=\"voxgate\""));
    }

    private static String[] basic(String header) {
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static MutableHttpResponse<Map<String, Object>> error(HttpStatus status, String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return HttpResponse.<Map<String, Object>>status(status).body(body);
    }
}
