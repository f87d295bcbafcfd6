package io.voxgate.server.http;

import java.util.Map;

import io.micronaut.serde.annotation.Serdeable;

/** What /health answers: UP only when every check passes; each component says UP or its problem. */
@Serdeable
public record HealthReport(String status, Map<String, String> components) {

    public boolean isUp() {
        return "UP".equals(status);
    }
}
