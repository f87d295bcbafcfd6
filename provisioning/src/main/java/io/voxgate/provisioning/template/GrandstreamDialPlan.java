package io.voxgate.provisioning.template;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The digit map (MGCP syntax, RFC 3435 §2.1.5, as Yealink, Poly and Cisco read it) rewritten in
 * Grandstream's dial plan syntax: alternatives in braces, {@code +} for "one or more", no timer
 * element (the phone's own "no key entry" timeout ends dialling). {@code xx.} (one or more digits)
 * becomes {@code x+}; a lone {@code E.} (zero or more E) becomes {@code E+}, one E stricter: the
 * Grandstream syntax has no "zero or more".
 */
final class GrandstreamDialPlan {

    private GrandstreamDialPlan() {
    }

    static String of(String digitMap) {
        String map = digitMap.strip();
        if (map.startsWith("(") && map.endsWith(")")) {
            map = map.substring(1, map.length() - 1);
        }
        if (map.isBlank()) {
            return "";
        }
        return "{ " + Arrays.stream(map.split("\\|"))
                .map(String::strip)
                .filter(pattern -> !pattern.isEmpty())
                .map(GrandstreamDialPlan::pattern)
                .collect(Collectors.joining(" | ")) + " }";
    }

    private static String pattern(String digitMapPattern) {
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < digitMapPattern.length(); i++) {
            char c = digitMapPattern.charAt(i);
            if (c == 'T' || c == 't') {
                continue;
            }
            if (c == '[') {
                int close = digitMapPattern.indexOf(']', i);
                int end = close < 0 ? digitMapPattern.length() : close + 1;
                elements.add(digitMapPattern.substring(i, end));
                i = end - 1;
            } else if (c == '.' && !elements.isEmpty()) {
                String repeated = elements.removeLast();
                if (!elements.isEmpty() && elements.getLast().equals(repeated)) {
                    elements.removeLast(); // "xx." is one or more x
                }
                elements.add(repeated + "+");
            } else {
                elements.add(String.valueOf(c));
            }
        }
        return String.join("", elements);
    }
}
