package io.voxgate.provisioning.template;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;

import io.voxgate.config.tenant.TenantSchema;

/**
 * Lays a {@link PhoneConfig} out as the file its phone reads, with logic-less mustache templates:
 * built-ins on the classpath ({@code io/voxgate/provisioning/templates/<vendor>.mustache}), or a
 * tenant's override at {@code <overrideRoot>/<tenant>/<vendor>.mustache}, which wins when present.
 * Templates are compiled once; an override is compiled again when its modification time or size
 * changes, so an operator's edit applies to the next request without a restart. Thread-safe.
 */
public final class VendorTemplates {

    private static final String BUILT_IN_DIRECTORY = "io/voxgate/provisioning/templates/";
    /** Mustache appends " @[file:line]" to its messages; ours start with file:line instead. */
    private static final Pattern WHERE_SUFFIX = Pattern.compile("\\s*@\\[[^\\]]*\\]$");

    private final Path overrideRoot;
    private final Map<ConfigFormat, DataOnlyMustacheFactory> factories = new EnumMap<>(ConfigFormat.class);
    private final Map<Vendor, Mustache> builtIns = new ConcurrentHashMap<>();
    private final Map<Path, CompiledOverride> overrides = new ConcurrentHashMap<>();

    /** An override as last compiled, with what its file looked like then. */
    private record CompiledOverride(FileTime modified, long size, Mustache mustache) {
    }

    /** @param overrideRoot directory of per-tenant override directories; null: built-ins only */
    public VendorTemplates(Path overrideRoot) {
        this.overrideRoot = overrideRoot;
        for (ConfigFormat format : ConfigFormat.values()) {
            factories.put(format, new DataOnlyMustacheFactory(format));
        }
    }

    /**
     * The configuration file for {@code config}'s phone, UTF-8.
     *
     * @throws IllegalArgumentException  a value the file cannot carry (the message names the field, never the value)
     * @throws InvalidTemplateException  the template does not compile, or names a variable the model lacks
     */
    public byte[] render(String tenantSlug, PhoneConfig config) {
        TenantSchema.requireValidSlug(tenantSlug); // the slug becomes a directory name
        Map<String, Object> model = TemplateModel.of(config);
        Mustache template = template(tenantSlug, config.vendor());
        StringWriter out = new StringWriter();
        try {
            template.execute(out, model).flush();
        } catch (MustacheException e) {
            throw invalid(template.getName(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The Content-Type the provisioning server answers a vendor's file with. */
    public static String contentType(Vendor vendor) {
        return ConfigFormat.of(vendor).contentType();
    }

    private Mustache template(String tenantSlug, Vendor vendor) {
        if (overrideRoot != null) {
            Path override = overrideRoot.resolve(tenantSlug).resolve(vendor.id() + ".mustache");
            Mustache mustache = override(override, vendor);
            if (mustache != null) {
                return mustache;
            }
        }
        return builtIns.computeIfAbsent(vendor, this::compileBuiltIn);
    }

    /** The override at {@code file}, compiled anew if it changed; null when there is none. */
    private Mustache override(Path file, Vendor vendor) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            overrides.remove(file); // deleted: back to the built-in
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template override " + file, e);
        }
        CompiledOverride cached = overrides.get(file);
        if (cached != null && cached.modified().equals(attributes.lastModifiedTime()) && cached.size() == attributes.size()) {
            return cached.mustache();
        }
        Mustache compiled;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            compiled = compile(reader, file.toString(), vendor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read template override " + file, e);
        }
        // A racing request may compile the same edit too; either result is the same template.
        overrides.put(file, new CompiledOverride(attributes.lastModifiedTime(), attributes.size(), compiled));
        return compiled;
    }

    private Mustache compileBuiltIn(Vendor vendor) {
        String resource = BUILT_IN_DIRECTORY + vendor.id() + ".mustache";
        InputStream in = VendorTemplates.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("built-in template " + resource + " is missing from the classpath");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return compile(reader, resource, vendor);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read built-in template " + resource, e);
        }
    }

    private Mustache compile(Reader reader, String name, Vendor vendor) {
        try {
            return factories.get(ConfigFormat.of(vendor)).compile(reader, name);
        } catch (MustacheException e) {
            throw invalid(name, e);
        }
    }

    private static InvalidTemplateException invalid(String file, MustacheException e) {
        int line = e.getContext() == null ? 0 : e.getContext().line();
        String reason = e.getMessage();
        // Mustache wraps what went wrong while rendering; the innermost cause says it best.
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ModelLookup.UnknownVariable || cause instanceof IllegalArgumentException) {
                reason = cause.getMessage();
            }
        }
        return new InvalidTemplateException(file, line, WHERE_SUFFIX.matcher(reason).replaceAll(""), e);
    }
}
