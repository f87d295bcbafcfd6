package io.voxgate.provisioning.template;

import java.util.List;
import java.util.Map;

import com.github.mustachejava.Binding;
import com.github.mustachejava.Code;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.TemplateContext;
import com.github.mustachejava.reflect.MapObjectHandler;
import com.github.mustachejava.util.Wrapper;

/**
 * How a template's names reach the model: map keys, dotted for nesting, and nothing else. No
 * reflection, so an operator's template cannot call a method on a value ({@code {{mac.getClass}}}
 * finds nothing); and a name the model lacks fails with the template's file and line instead of
 * rendering as nothing, so a misspelt override is noticed before a phone loses its password.
 */
final class ModelLookup extends MapObjectHandler {

    private static final Object MISSING = new Object();

    /** Mustache wraps it ("Failed to get value for ..."); {@link VendorTemplates} digs it out for the operator. */
    static final class UnknownVariable extends MustacheException {
        UnknownVariable(String name, TemplateContext tc) {
            super("unknown variable '" + name + "'", tc);
        }
    }

    @Override
    public Wrapper find(String name, List<Object> ignored) {
        return scopes -> {
            Object value = resolve(name, scopes);
            return value == MISSING ? null : value;
        };
    }

    @Override
    public Binding createBinding(String name, TemplateContext tc, Code code) {
        return scopes -> {
            Object value = resolve(name, scopes);
            if (value == MISSING) {
                throw new UnknownVariable(name, tc);
            }
            return value;
        };
    }

    /** Innermost scope first, as mustache sections nest (spec: "Interpolation", context stack). */
    private static Object resolve(String name, List<Object> scopes) {
        if (scopes.isEmpty()) {
            return MISSING;
        }
        if (name.equals(".")) {
            return scopes.getLast();
        }
        String[] path = name.split("\\.", -1);
        for (int i = scopes.size() - 1; i >= 0; i--) {
            if (scopes.get(i) instanceof Map<?, ?> scope && scope.containsKey(path[0])) {
                return descend(scope.get(path[0]), path);
            }
        }
        return MISSING;
    }

    private static Object descend(Object value, String[] path) {
        for (int i = 1; i < path.length; i++) {
            if (!(value instanceof Map<?, ?> map) || !map.containsKey(path[i])) {
                return MISSING;
            }
            value = map.get(path[i]);
        }
        return value;
    }
}
