package io.voxgate.admin.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cursor pagination for every list: items after the cursor (the key of the last item seen), at
 * most {@code limit} (default 50, at most 500), and the cursor of the next page when there is one.
 */
final class Pages {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private Pages() {
    }

    /**
     * @param items in any order: sorted here by key, in Java's order, the one the cursor compares
     *              with (a database's collation may order "a-c" before "ab")
     */
    static <T> Map<String, Object> of(List<T> items, Function<T, String> key, String after, Integer limit,
                                      Function<T, Map<String, Object>> view) {
        int size = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
        List<T> sorted = items.stream().sorted(java.util.Comparator.comparing(key)).toList();
        List<T> rest = sorted.stream().filter(item -> after == null || key.apply(item).compareTo(after) > 0).toList();
        List<T> page = rest.subList(0, Math.min(size, rest.size()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(view).toList());
        body.put("next", rest.size() > page.size() ? key.apply(page.getLast()) : null);
        return body;
    }
}
