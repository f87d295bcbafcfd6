package io.voxgate.server.http;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/** HTTPS-only hardening headers on every response of the admin listener. */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
public class SecurityHeadersFilter {

    @ResponseFilter
    public void addSecurityHeaders(MutableHttpResponse<?> response) {
        response.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Cache-Control", "no-store");
        response.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
}
