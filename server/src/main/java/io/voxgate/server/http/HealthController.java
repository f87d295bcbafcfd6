package io.voxgate.server.http;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/** {@code GET /health}: 200 when the database and object store answer, 503 otherwise. */
@Controller
public class HealthController {

    private final SwitchHealth health;

    public HealthController(SwitchHealth health) {
        this.health = health;
    }

    // The checks do JDBC and HTTP calls: off the Netty event loop.
    @Get(uri = "/health", produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<HealthReport> health() {
        HealthReport report = health.report();
        return HttpResponse.status(report.isUp() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(report);
    }
}
