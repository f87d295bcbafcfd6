package io.voxgate.server.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a secret lives, never the secret: {@code env:NAME} (an environment variable) or
 * {@code file:/path} (a file, e.g. a Kubernetes or systemd credential). Empty means "not set".
 * A literal value is refused, so voxgate.yml can be shared and versioned without leaking.
 */
public record SecretReference(String reference) {

    public static final SecretReference NONE = new SecretReference("");

    public SecretReference {
        if (!reference.isEmpty() && !reference.startsWith("env:") && !reference.startsWith("file:")) {
            throw new IllegalArgumentException("expected a reference to a secret, env:VARIABLE or file:/path,"
                    + " not the secret itself");
        }
        if (reference.equals("env:") || reference.equals("file:")) {
            throw new IllegalArgumentException("'" + reference + "' names no variable or file");
        }
    }

    @JsonCreator
    public static SecretReference parse(String reference) {
        return new SecretReference(reference == null ? "" : reference.trim());
    }

    @JsonValue
    public String reference() {
        return reference;
    }

    public boolean isSet() {
        return !reference.isEmpty();
    }

    /** The secret's value; empty when no reference is set. Fails naming the variable or file, never the value. */
    public Optional<String> resolve(Map<String, String> environment) {
        if (!isSet()) {
            return Optional.empty();
        }
        if (reference.startsWith("env:")) {
            String name = reference.substring(4);
            String value = environment.get(name);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("environment variable " + name + " is not set");
            }
            return Optional.of(value);
        }
        Path file = Path.of(reference.substring(5));
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read secret file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return reference;
    }
}
