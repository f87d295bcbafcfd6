package io.voxgate.provisioning.template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.DefaultMustacheVisitor;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.MustacheVisitor;
import com.github.mustachejava.TemplateContext;

/**
 * Compiles templates that can only lay out the model: every value goes through the format's
 * escaping ({@code {{{raw}}}} and {@code {{&raw}}} are refused, they would let a display name
 * write markup), and partials, parents and pragmas are refused, since they read other files. Names
 * resolve through {@link ModelLookup}, never by reflection. One factory per format.
 */
final class DataOnlyMustacheFactory extends DefaultMustacheFactory {

    private final ConfigFormat format;

    DataOnlyMustacheFactory(ConfigFormat format) {
        this.format = format;
        setObjectHandler(new ModelLookup());
    }

    @Override
    public void encode(String value, Writer writer) {
        try {
            format.escape(value, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public MustacheVisitor createMustacheVisitor() {
        return new DefaultMustacheVisitor(this) {
            @Override
            public void value(TemplateContext tc, String variable, boolean encoded) {
                if (!encoded) {
                    throw refused(tc, "unescaped value '" + variable + "' ({{{ }}} or {{& }}); use {{" + variable + "}}");
                }
                super.value(tc, variable, true);
            }

            @Override
            public void partial(TemplateContext tc, String variable, String indent) {
                throw refused(tc, "partial '" + variable + "': templates cannot include other files");
            }

            @Override
            public void dynamicPartial(TemplateContext tc, String variable, String indent) {
                throw refused(tc, "dynamic partial '" + variable + "': templates cannot include other files");
            }

            @Override
            public void extend(TemplateContext tc, String variable, Mustache mustache) {
                throw refused(tc, "parent template '" + variable + "': templates cannot include other files");
            }

            @Override
            public void pragma(TemplateContext tc, String pragma, String args) {
                throw refused(tc, "pragma '" + pragma + "'");
            }
        };
    }

    private static MustacheException refused(TemplateContext tc, String what) {
        return new MustacheException("not allowed in a phone template: " + what, tc);
    }
}
