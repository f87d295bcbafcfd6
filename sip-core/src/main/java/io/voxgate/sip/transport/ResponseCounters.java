package io.voxgate.sip.transport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Responses sent, by class (1xx to 6xx): registered once, incremented without a registry lookup. */
final class ResponseCounters {

    private final Counter[] byClass = new Counter[7];

    ResponseCounters(MeterRegistry metrics) {
        for (int c = 1; c <= 6; c++) {
            byClass[c] = metrics.counter("voxgate.sip.responses", "class", c + "xx");
        }
    }

    void count(int status) {
        int c = status / 100;
        if (c >= 1 && c <= 6) {
            byClass[c].increment();
        }
    }
}
