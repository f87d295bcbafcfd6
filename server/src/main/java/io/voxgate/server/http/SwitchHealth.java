package io.voxgate.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs every health check and folds them into one report. */
public final class SwitchHealth {

    private final List<HealthCheck> checks;

    public SwitchHealth(List<HealthCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    public HealthReport report() {
        Map<String, String> components = new LinkedHashMap<>();
        boolean up = true;
        for (HealthCheck check : checks) {
            Optional<String> problem;
            try {
                problem = check.problem();
            } catch (RuntimeException e) {
                problem = Optional.of(e.getClass().getSimpleName());
            }
            components.put(check.name(), problem.map(p -> "DOWN: " + p).orElse("UP"));
            up &= problem.isEmpty();
        }
        return new HealthReport(up ? "UP" : "DOWN", components);
    }
}
