package io.voxgate.server.http;

import java.util.Optional;
import java.util.function.Supplier;

/** One dependency the switch needs to serve: answers quickly whether it works. */
public interface HealthCheck {

    String name();

    /** Empty when healthy, else what is wrong (never a secret). */
    Optional<String> problem();

    static HealthCheck of(String name, Supplier<Optional<String>> probe) {
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<String> problem() {
                return probe.get();
            }
        };
    }
}
