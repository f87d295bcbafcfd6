package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.voxgate.config.audit.AuditText;
import jakarta.inject.Singleton;

/**
 * The errors Micronaut answers itself (a body that is no JSON, a field of the wrong type, an
 * unsupported media type) as RFC 9457 problem documents, like the API's own. Through the
 * framework's extension point: micronaut-problem-json, which does this, is not served by this
 * project's registry (its POM resolves, its jar does not).
 */
@Singleton
@Primary
final class ProblemErrorResponses implements ErrorResponseProcessor<Map<String, Object>> {

    private static final int MAX_DETAIL = 300;

    @Override
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpStatus status = response.getStatus();
        Error first = context.getErrors().isEmpty() ? null : context.getErrors().getFirst();
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", status == HttpStatus.BAD_REQUEST ? "https://voxgate.io/problems/unreadable-body" : "about:blank");
        problem.put("title", status.getReason());
        problem.put("status", status.getCode());
        if (status.getCode() >= 500) {
            // the exception's words (SQL, file paths) are for the log, not for the client
            problem.put("detail", "the switch could not complete the request; the administrator finds the cause in its log");
        } else if (first != null) {
            // the parser's words, which may quote the client's input: printable and short
            problem.put("detail", AuditText.printable(first.getMessage(), MAX_DETAIL));
            first.getPath().ifPresent(path -> problem.put("field", path.startsWith("/") ? path.substring(1) : path));
        }
        return response.contentType(Problems.MEDIA_TYPE).body(problem);
    }
}
