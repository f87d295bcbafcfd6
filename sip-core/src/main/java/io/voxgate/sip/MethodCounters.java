package io.voxgate.sip;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One counter per SIP method, registered once and looked up without the meter registry on the hot
 * path. Methods outside RFC 3261 and its extensions count as OTHER, so a client inventing method
 * names cannot grow the registry.
 */
public final class MethodCounters {

    static final List<String> KNOWN = List.of("REGISTER", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "SUBSCRIBE", "NOTIFY",
            "MESSAGE", "INFO", "UPDATE", "REFER", "PRACK", "PUBLISH");

    private final Map<String, Counter> byMethod = new HashMap<>();
    private final Counter other;

    public MethodCounters(MeterRegistry metrics, String name) {
        for (String method : KNOWN) {
            byMethod.put(method, metrics.counter(name, "method", method));
        }
        this.other = metrics.counter(name, "method", "OTHER");
    }

    public void increment(String method) {
        byMethod.getOrDefault(method, other).increment();
    }
}
