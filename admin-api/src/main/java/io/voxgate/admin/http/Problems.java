package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/** RFC 9457 problem documents, naming the field or rule at fault. */
final class Problems {

    static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    static MutableHttpResponse<Map<String, Object>> of(HttpStatus status, String type, String title, String detail, String field) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type == null ? "about:blank" : "https://voxgate.io/problems/" + type);
        problem.put("title", title);
        problem.put("status", status.getCode());
        if (detail != null) {
            problem.put("detail", detail);
        }
        if (field != null) {
            problem.put("field", field);
        }
        return HttpResponse.<Map<String, Object>>status(status).contentType(MEDIA_TYPE).body(problem);
    }

    /** 400 naming the field and what it must be. */
    static MutableHttpResponse<Map<String, Object>> invalid(String field, String detail) {
        return of(HttpStatus.BAD_REQUEST, "invalid-field", "Invalid field", field + ": " + detail, field);
    }

    /** 403: what was asked would give more than the asker's own role holds. */
    static MutableHttpResponse<Map<String, Object>> permissionNotHeld(String detail, String field) {
        return of(HttpStatus.FORBIDDEN, "permission-not-held", "Forbidden", detail, field);
    }

    static MutableHttpResponse<Map<String, Object>> missing(String field) {
        return of(HttpStatus.BAD_REQUEST, "missing-field", "Missing field", field + " is required", field);
    }

    static MutableHttpResponse<Map<String, Object>> unauthorized() {
        return of(HttpStatus.UNAUTHORIZED, null, "Not authenticated",
                "log in at POST /api/v1/auth/login and send the access token as Authorization: Bearer", null);
    }
}
