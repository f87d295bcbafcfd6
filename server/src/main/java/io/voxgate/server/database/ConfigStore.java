package io.voxgate.server.database;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.AuditGuard;
import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.DatabaseConnection;
import io.voxgate.config.db.EmbeddedPostgres;
import io.voxgate.server.settings.VoxgateSettings;

/**
 * The configuration database as the launcher and the CLI see it: the external PostgreSQL named by
 * {@code database.url}, or the embedded one under data-dir, which this process starts (and stops
 * on close) unless a running switch already owns it, in which case the CLI joins that server.
 */
public final class ConfigStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

    private final ConfigDatabase database;
    private final Optional<EmbeddedPostgres> embedded;

    private ConfigStore(ConfigDatabase database, Optional<EmbeddedPostgres> embedded) {
        this.database = database;
        this.embedded = embedded;
    }

    /** For the switch itself: it must own the embedded server. */
    public static ConfigStore openOwned(VoxgateSettings settings, Map<String, String> env) throws IOException {
        return open(settings, env, false);
    }

    /** For CLI commands: join the running switch's embedded server if there is one. */
    public static ConfigStore openForCommand(VoxgateSettings settings, Map<String, String> env) throws IOException {
        return open(settings, env, true);
    }

    private static ConfigStore open(VoxgateSettings settings, Map<String, String> env, boolean mayJoin) throws IOException {
        VoxgateSettings.Database db = settings.database();
        if (!db.isEmbedded()) {
            String password = resolvePassword(settings, env);
            DatabaseConnection connection = new DatabaseConnection(db.url(), db.username(), password);
            log.info("using external PostgreSQL {}", withoutQuery(db.url()));
            return connected(connection, db.poolSize(), Optional.empty());
        }
        var root = settings.dataDir().resolve("postgres");
        if (mayJoin && EmbeddedPostgres.isOwnedByAnotherProcess(root)) {
            DatabaseConnection running = EmbeddedPostgres.runningCluster(root, settings.secretsDir())
                    .orElseThrow(() -> new IllegalStateException("a Voxgate process holds " + root
                            + " but its PostgreSQL is not running; wait for it to finish starting"));
            return connected(running, 2, Optional.empty());
        }
        EmbeddedPostgres pg = EmbeddedPostgres.start(root, settings.secretsDir(), db.embedded().port(), db.embedded().osUser());
        try {
            return connected(pg.applicationConnection(), db.poolSize(), Optional.of(pg));
        } catch (RuntimeException | IOException e) {
            pg.close();
            throw e;
        }
    }

    private static String resolvePassword(VoxgateSettings settings, Map<String, String> env) {
        try {
            return settings.database().password().resolve(env).orElse("");
        } catch (IllegalStateException e) {
            throw settings.error("database.password", e.getMessage());
        }
    }

    private static ConfigStore connected(DatabaseConnection connection, int poolSize, Optional<EmbeddedPostgres> embedded) {
        ConfigDatabase database;
        try {
            database = ConfigDatabase.connect(connection, poolSize);
        } catch (RuntimeException e) {
            String key = embedded.isPresent() ? "database.embedded" : "database.url";
            throw new IllegalStateException(key + ": cannot connect to " + withoutQuery(connection.jdbcUrl()) + " as "
                    + connection.username() + ": " + rootMessage(e), e);
        }
        try {
            database.migrate();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        if (embedded.isPresent()) {
            try {
                embedded.get().installAuditGuard(EmbeddedPostgres.DATABASE); // again: now the audit functions exist to pin
            } catch (IOException e) {
                database.close();
                throw new java.io.UncheckedIOException(e);
            }
        } else if (!database.inControl(AuditGuard::isInstalled)) {
            log.warn("the audit log's guard is not installed in this PostgreSQL: the application's role could switch off the "
                    + "audit log's append-only triggers. Have a superuser run {} (docs/security.md)", AuditGuard.RESOURCE);
        }
        return new ConfigStore(database, embedded);
    }

    /** URLs are logged without their query string, where driver options (and mistakes) live. */
    static String withoutQuery(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    public ConfigDatabase database() {
        return database;
    }

    public Optional<EmbeddedPostgres> embedded() {
        return embedded;
    }

    @Override
    public void close() {
        database.close();
        embedded.ifPresent(EmbeddedPostgres::close);
    }
}
