package io.voxgate.server.settings;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads voxgate.yml over the built-in defaults ({@code voxgate-defaults.yml}) and checks it.
 * Every key the switch understands is in the defaults file, so a key that is not there is a typo
 * and stops the start, as does a value of the wrong type or out of range; each error names the key.
 */
public final class SettingsLoader {

    private static final String DEFAULTS = "/voxgate-defaults.yml";
    private static final Pattern HOST_NAME = Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final List<String> KEY_ALGORITHMS = List.of("ec-p256", "rsa-2048");
    private static final List<String> DIGEST_ALGORITHMS = List.of("SHA-256", "MD5");

    private final ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder()
                    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);

    /** Defaults only: the switch with nothing configured. */
    public VoxgateSettings defaults() {
        return load("built-in defaults", Optional.empty());
    }

    public VoxgateSettings load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SettingsException(file.toString(), "(file)", "does not exist or is not a file");
        }
        try {
            return load(file.toString(), Optional.of(yaml.readTree(file.toFile())));
        } catch (JsonProcessingException e) {
            throw new SettingsException(file.toString(), "(syntax)", "not valid YAML: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw new SettingsException(file.toString(), "(file)", "cannot be read: " + e.getMessage());
        }
    }

    /** Loads settings from YAML text (used by tests and by the CLI's --config). */
    public VoxgateSettings loadText(String source, String yamlText) {
        try {
            return load(source, Optional.ofNullable(yaml.readTree(yamlText)));
        } catch (JsonProcessingException e) {
            throw new SettingsException(source, "(syntax)", "not valid YAML: " + e.getOriginalMessage() + location(e));
        }
    }

    private VoxgateSettings load(String source, Optional<JsonNode> overrides) {
        ObjectNode merged = readDefaults();
        overrides.filter(n -> !n.isMissingNode() && !n.isNull()).ifPresent(node -> {
            if (!node.isObject()) {
                throw new SettingsException(source, "(top level)", "expected a map of settings, got " + describe(node));
            }
            overlay(source, merged, (ObjectNode) node, "");
        });
        VoxgateSettings settings;
        try {
            settings = yaml.treeToValue(merged, VoxgateSettings.class);
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new SettingsException(source, keyOf(e), cause.getMessage());
        } catch (MismatchedInputException e) {
            throw new SettingsException(source, keyOf(e), "expected " + typeName(e.getTargetType()));
        } catch (JsonMappingException e) {
            throw new SettingsException(source, keyOf(e), e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new SettingsException(source, "(unknown)", e.getOriginalMessage());
        }
        return validate(source, settings).withSource(source);
    }

    private ObjectNode readDefaults() {
        try (InputStream in = SettingsLoader.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("built-in defaults " + DEFAULTS + " are unreadable", e);
        }
    }

    /** Copies the operator's values over the defaults, refusing keys the defaults do not have. */
    private static void overlay(String source, ObjectNode target, ObjectNode overrides, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = overrides.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode known = target.get(field.getKey());
            if (known == null) {
                List<String> names = new ArrayList<>();
                target.fieldNames().forEachRemaining(names::add);
                throw new SettingsException(source, key, "unknown key; known keys"
                        + (prefix.isEmpty() ? "" : " under " + prefix.substring(0, prefix.length() - 1))
                        + ": " + String.join(", ", names));
            }
            JsonNode value = field.getValue();
            if (known.isObject()) {
                if (!value.isObject()) {
                    throw new SettingsException(source, key, "expected a section with keys "
                            + String.join(", ", iterable(known)) + ", got " + describe(value));
                }
                overlay(source, (ObjectNode) known, (ObjectNode) value, key + ".");
            } else if (value.isNull()) {
                throw new SettingsException(source, key, "has no value; remove the key to use the default");
            } else {
                target.set(field.getKey(), value);
            }
        }
    }

    private VoxgateSettings validate(String source, VoxgateSettings s) {
        Checks check = new Checks(source);
        check.ipLiteral("sip.listen-address", s.sip().listenAddress());
        check.port("sip.tls-port", s.sip().tlsPort(), true);
        check.port("sip.tcp-port", s.sip().tcpPort(), true);
        check.that("sip.udp-port", s.sip().udpPort() == 0, "expected 0: SIP over UDP is not available yet (TLS only)");
        List<String> digest = s.sip().digestAlgorithms();
        check.that("sip.digest-algorithms", digest != null && !digest.isEmpty() && DIGEST_ALGORITHMS.containsAll(digest)
                        && Set.copyOf(digest).size() == digest.size(),
                "expected a non-empty list of distinct algorithms from " + DIGEST_ALGORITHMS + ", got " + digest);
        check.that("sip.warm-up-seconds", s.sip().warmUpSeconds() >= 0 && s.sip().warmUpSeconds() <= 60,
                "expected 0 (off) to 60 seconds, got " + s.sip().warmUpSeconds());
        VoxgateSettings.SipSecurity security = s.sip().security();
        check.that("sip.security.auth-failures-per-source", security.authFailuresPerSource() >= 1,
                "expected at least 1, got " + security.authFailuresPerSource());
        check.that("sip.security.auth-failures-per-user", security.authFailuresPerUser() >= 1,
                "expected at least 1, got " + security.authFailuresPerUser());
        check.that("sip.security.failure-window-seconds", security.failureWindowSeconds() >= 1,
                "expected at least 1, got " + security.failureWindowSeconds());
        check.that("sip.security.ban-seconds", security.banSeconds() >= 1, "expected at least 1, got " + security.banSeconds());
        check.that("sip.security.requests-per-second-per-source", security.requestsPerSecondPerSource() >= 0,
                "expected 0 (no limit) or more, got " + security.requestsPerSecondPerSource());
        check.ipLiteral("provisioning.listen-address", s.provisioning().listenAddress());
        check.port("provisioning.https-port", s.provisioning().httpsPort(), true);
        VoxgateSettings.Provisioning p = s.provisioning();
        check.port("provisioning.enrolment-port", p.enrolmentPort(), true);
        check.that("provisioning.enrolment-port", p.enrolmentPort() == 0 || p.enrolmentPort() != p.httpsPort(),
                "expected another port than provisioning.https-port: enrolment takes no client certificate");
        check.that("provisioning.public-host", p.publicHost().isEmpty() || HOST_NAME.matcher(p.publicHost()).matches()
                        || Checks.isIpLiteralValue(p.publicHost()),
                "expected empty (the first server name) or the host name or address phones reach the switch by, got '"
                        + p.publicHost() + "'");
        for (int i = 0; i < p.manufacturerCas().size(); i++) {
            String file = p.manufacturerCas().get(i);
            check.that("provisioning.manufacturer-cas[" + i + "]", Files.isReadable(Path.of(file)),
                    "expected a readable PEM file of a manufacturer's root CA, got '" + file + "'");
        }
        check.that("provisioning.template-dir", p.templateDir().isEmpty() || Files.isDirectory(Path.of(p.templateDir())),
                "expected empty (built-in templates only) or a directory, got '" + p.templateDir() + "'");
        check.that("provisioning.ntp-server", HOST_NAME.matcher(p.ntpServer()).matches() || Checks.isIpLiteralValue(p.ntpServer()),
                "expected a host name or address, got '" + p.ntpServer() + "'");
        check.that("provisioning.time-zone", isZoneId(p.timeZone()), "expected an IANA time zone such as Europe/Berlin, got '"
                + p.timeZone() + "'");
        check.that("provisioning.digit-map", !p.digitMap().isBlank() && p.digitMap().length() <= 500
                        && p.digitMap().chars().noneMatch(Character::isISOControl),
                "expected a digit map of at most 500 characters on one line");
        check.that("provisioning.reprovision-interval-minutes", p.reprovisionIntervalMinutes() >= 5
                        && p.reprovisionIntervalMinutes() <= 43_200,
                "expected 5 to 43200 minutes (30 days), got " + p.reprovisionIntervalMinutes());
        check.that("provisioning.requests-per-minute-per-address", p.requestsPerMinutePerAddress() >= 1,
                "expected at least 1, got " + p.requestsPerMinutePerAddress());
        check.that("provisioning.requests-per-minute-per-certificate", p.requestsPerMinutePerCertificate() >= 1,
                "expected at least 1, got " + p.requestsPerMinutePerCertificate());
        check.ipLiteral("admin.listen-address", s.admin().listenAddress());
        check.port("admin.https-port", s.admin().httpsPort(), true);
        check.that("admin.requests-per-minute-per-address", s.admin().requestsPerMinutePerAddress() >= 1,
                "expected at least 1, got " + s.admin().requestsPerMinutePerAddress());
        check.that("admin.requests-per-minute-per-token", s.admin().requestsPerMinutePerToken() >= 1,
                "expected at least 1, got " + s.admin().requestsPerMinutePerToken());
        check.ipLiteral("media.listen-address", s.media().listenAddress());
        check.that("media.port-min", s.media().portMin() >= 1024 && s.media().portMin() <= 65534 && s.media().portMin() % 2 == 0,
                "expected an even port from 1024 to 65534 (RTP takes the even port, RTCP the odd one), got " + s.media().portMin());
        check.that("media.port-max", s.media().portMax() > s.media().portMin() && s.media().portMax() <= 65535,
                "expected a port above media.port-min (" + s.media().portMin() + ") and at most 65535, got " + s.media().portMax());
        check.that("media.advertised-address", s.media().advertisedAddress().isEmpty()
                        || (Checks.isIpLiteralValue(s.media().advertisedAddress())
                        && !InetAddress.ofLiteral(s.media().advertisedAddress()).isAnyLocalAddress()),
                "expected empty (media.listen-address, or this host's address when that is 0.0.0.0) or the IP address phones "
                        + "send media to, got '" + s.media().advertisedAddress() + "'");
        check.that("media.inactivity-timeout-seconds", s.media().inactivityTimeoutSeconds() == 0
                        || (s.media().inactivityTimeoutSeconds() >= 5 && s.media().inactivityTimeoutSeconds() <= 86_400),
                "expected 0 (never) or 5 to 86400 seconds, got " + s.media().inactivityTimeoutSeconds());
        check.that("database.url", s.database().url().isEmpty() || s.database().url().startsWith("jdbc:postgresql://"),
                "expected empty (embedded PostgreSQL) or a jdbc:postgresql:// URL");
        check.that("database.url", !carriesCredentials(s.database().url()),
                "must not carry a user or password; use database.username and database.password (env:/file: reference)");
        check.that("database.url", s.database().url().isEmpty() || isLoopbackOnly(s.database().url())
                        || s.database().url().matches(".*[?&]sslmode=verify-(full|ca)(&.*)?$"),
                "a database on another host needs TLS with certificate checks: add ?sslmode=verify-full"
                        + " (and sslrootcert=/path/to/ca.pem)");
        check.that("database.username", !s.database().username().isBlank(), "expected a role name");
        check.that("database.pool-size", s.database().poolSize() >= 1 && s.database().poolSize() <= 200,
                "expected 1 to 200, got " + s.database().poolSize());
        check.port("database.embedded.port", s.database().embedded().port(), true);
        check.that("database.embedded.os-user", !s.database().embedded().osUser().isBlank(), "expected an OS user name");
        check.that("s3.endpoint", s.s3().endpoint().isEmpty() || isHttpUri(s.s3().endpoint()),
                "expected empty (embedded store) or an http(s):// URL");
        check.that("s3.bucket", s.s3().bucket().matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
                "expected an S3 bucket name (3-63 lower-case letters, digits, '.', '-'), got '" + s.s3().bucket() + "'");
        check.that("s3.region", !s.s3().region().isBlank(), "expected a region such as us-east-1");
        check.that("s3.access-key", s.s3().isEmbedded() || s.s3().accessKey().isSet(),
                "required when s3.endpoint is set: env:VARIABLE or file:/path");
        check.that("s3.secret-key", s.s3().isEmbedded() || s.s3().secretKey().isSet(),
                "required when s3.endpoint is set: env:VARIABLE or file:/path");
        check.port("s3.embedded.port", s.s3().embedded().port(), true);
        check.that("pki.key-algorithm", KEY_ALGORITHMS.contains(s.pki().keyAlgorithm()),
                "expected one of " + KEY_ALGORITHMS + ", got '" + s.pki().keyAlgorithm() + "'");
        check.that("pki.organisation", !s.pki().organisation().isBlank(), "expected the organisation named in certificates");
        for (int i = 0; i < s.pki().serverNames().size(); i++) {
            String name = s.pki().serverNames().get(i);
            check.that("pki.server-names[" + i + "]", HOST_NAME.matcher(name).matches(), "expected a DNS name, got '" + name + "'");
        }
        for (int i = 0; i < s.pki().serverIps().size(); i++) {
            check.ipLiteral("pki.server-ips[" + i + "]", s.pki().serverIps().get(i));
        }
        check.that("pki.server-names", !(s.pki().serverNames().isEmpty() && s.pki().serverIps().isEmpty()),
                "the server certificate needs at least one name (pki.server-names) or address (pki.server-ips)");
        check.that("pki.server-names", !s.demo().createTenant() || !s.pki().serverNames().isEmpty(),
                "the demo tenant's SIP domain is the first server name: give one, or set demo.create-tenant: false");
        return s;
    }

    private static boolean isZoneId(String zone) {
        try {
            java.time.ZoneId.of(zone);
            return true;
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private static boolean carriesCredentials(String jdbcUrl) {
        String afterScheme = jdbcUrl.replaceFirst("^jdbc:postgresql://", "");
        String authority = afterScheme.split("[/?]", 2)[0];
        return authority.contains("@") || jdbcUrl.matches("(?i).*[?&](password|user)=.*");
    }

    /** True when every host of a jdbc:postgresql:// URL is a loopback address or localhost. */
    private static boolean isLoopbackOnly(String jdbcUrl) {
        String authority = jdbcUrl.replaceFirst("^jdbc:postgresql://", "").split("[/?]", 2)[0];
        for (String hostPort : authority.split(",")) {
            String host = hostPort.startsWith("[") ? hostPort.substring(1, hostPort.indexOf(']'))
                    : hostPort.split(":", 2)[0];
            boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
            if (!loopback) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHttpUri(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private record Checks(String source) {
        void that(String key, boolean ok, String problem) {
            if (!ok) {
                throw new SettingsException(source, key, problem);
            }
        }

        void port(String key, int port, boolean zeroAllowed) {
            that(key, port >= (zeroAllowed ? 0 : 1) && port <= 65535,
                    "expected a port from " + (zeroAllowed ? "0" : "1") + " to 65535, got " + port);
        }

        static boolean isIpLiteralValue(String value) {
            try {
                InetAddress.ofLiteral(value);
                return true;
            } catch (IllegalArgumentException | NullPointerException e) {
                return false;
            }
        }

        void ipLiteral(String key, String value) {
            try {
                InetAddress.ofLiteral(value);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new SettingsException(source, key, "expected an IP address such as 0.0.0.0 or 127.0.0.1, got '" + value + "'");
            }
        }
    }

    private static String keyOf(JsonMappingException e) {
        StringBuilder key = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!key.isEmpty()) {
                    key.append('.');
                }
                key.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                key.append('[').append(ref.getIndex()).append(']');
            }
        }
        return key.isEmpty() ? "(top level)" : key.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "a different kind of value";
        }
        if (type == int.class || type == Integer.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Path.class || type == SecretReference.class) {
            return "a text value";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a section";
    }

    private static String describe(JsonNode node) {
        return node.isContainerNode() ? (node.isArray() ? "a list" : "a section") : "'" + node.asText() + "'";
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static List<String> iterable(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names.stream().collect(Collectors.toList());
    }
}
