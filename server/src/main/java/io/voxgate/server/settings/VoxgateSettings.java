package io.voxgate.server.settings;

import java.nio.file.Path;
import java.util.List;

/** The whole of voxgate.yml, after defaults are applied and every value is checked. */
public record VoxgateSettings(
        Path dataDir,
        Sip sip,
        Provisioning provisioning,
        Admin admin,
        Media media,
        Database database,
        S3 s3,
        Pki pki,
        Demo demo,
        String source) {

    public VoxgateSettings {
        dataDir = dataDir.toAbsolutePath().normalize();
    }

    /** The same settings, remembering where they came from (a file, or "built-in defaults"). */
    public VoxgateSettings withSource(String from) {
        return new VoxgateSettings(dataDir, sip, provisioning, admin, media, database, s3, pki, demo, from);
    }

    /** An error about one key, attributed to where the settings came from. */
    public SettingsException error(String key, String problem) {
        return new SettingsException(source == null ? "voxgate.yml" : source, key, problem);
    }

    /** SIP listeners; a port of 0 turns that transport off. TCP and UDP are off by default. */
    /**
     * @param connectToContacts dial a registered TLS Contact when its registration connection is gone
     * @param digestAlgorithms  digest algorithms challenged for, in order: SHA-256, MD5
     * @param warmUpSeconds     how long made-up registrations warm the JIT before the listener opens (0: not at all)
     */
    public record Sip(String listenAddress, int tlsPort, int tcpPort, int udpPort, boolean connectToContacts,
                      List<String> digestAlgorithms, int warmUpSeconds, SipSecurity security) {
    }

    /** Edge security: bans after failed authentications, per-source request rate (0 = unlimited). */
    public record SipSecurity(int authFailuresPerSource, int authFailuresPerUser, int failureWindowSeconds, int banSeconds,
                              int requestsPerSecondPerSource) {
    }

    /**
     * The phones' provisioning server (mutual TLS) and its enrolment listener (server TLS only).
     *
     * @param enrolmentPort   where softphones redeem activation codes (0: no enrolment listener)
     * @param publicHost      the name phones reach the switch by, in their files ("": the first of pki.server-names, else pki.server-ips)
     * @param manufacturerCas PEM files of manufacturer root CAs whose factory certificates identify phones
     * @param templateDir     per-tenant template overrides, {@code <dir>/<tenant>/<vendor>.mustache} ("": none)
     */
    public record Provisioning(boolean enabled, String listenAddress, int httpsPort, int enrolmentPort, String publicHost,
                               List<String> manufacturerCas, String templateDir, String ntpServer, String timeZone,
                               String digitMap, int reprovisionIntervalMinutes, int requestsPerMinutePerAddress,
                               int requestsPerMinutePerCertificate) {
    }

    /**
     * The admin listener (health, metrics, the admin API); port 0 takes any free port (tests).
     *
     * @param requestsPerMinutePerAddress unauthenticated requests (logins) a source address may make a minute
     * @param requestsPerMinutePerToken   requests one session's token may make a minute
     */
    public record Admin(String listenAddress, int httpsPort, int requestsPerMinutePerAddress, int requestsPerMinutePerToken) {
    }

    /**
     * @param advertisedAddress        the address written into SDP ("": listen-address, or this host's first non-loopback IPv4 when that is 0.0.0.0)
     * @param inactivityTimeoutSeconds an established call with no media this long is ended (0: never)
     */
    public record Media(String listenAddress, String advertisedAddress, int portMin, int portMax, int inactivityTimeoutSeconds) {
    }

    /** An empty url means the embedded PostgreSQL under data-dir. */
    public record Database(String url, String username, SecretReference password, int poolSize, EmbeddedDatabase embedded) {

        public boolean isEmbedded() {
            return url.isEmpty();
        }
    }

    public record EmbeddedDatabase(int port, String osUser) {
    }

    /** An empty endpoint means the embedded S3-compatible store under data-dir. */
    public record S3(String endpoint, String region, String bucket, SecretReference accessKey, SecretReference secretKey,
                     EmbeddedS3 embedded) {

        public boolean isEmbedded() {
            return endpoint.isEmpty();
        }
    }

    public record EmbeddedS3(int port) {
    }

    public record Pki(String keyAlgorithm, String organisation, List<String> serverNames, List<String> serverIps,
                      SecretReference keystorePassword) {
    }

    public record Demo(boolean createTenant) {
    }

    public Path secretsDir() {
        return dataDir.resolve("secrets");
    }

    public Path pkiDir() {
        return dataDir.resolve("pki");
    }
}
