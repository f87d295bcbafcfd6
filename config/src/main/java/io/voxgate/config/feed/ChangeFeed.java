package io.voxgate.config.feed;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.voxgate.config.db.DatabaseConnection;

/**
 * Delivers configuration changes made by any node or admin to this process, through PostgreSQL
 * LISTEN/NOTIFY (the triggers in the migrations NOTIFY on {@value #CHANNEL}).
 *
 * <p>One dedicated connection, outside the pool, polled by one virtual thread every
 * {@link #POLL_INTERVAL}: well inside the one-second freshness the switch promises. When the
 * connection breaks, notifications sent meanwhile are lost, so after reconnecting the feed
 * emits {@link ConfigChange#resync()} and listeners reload.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final String CHANNEL = "voxgate_config";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

    private final DatabaseConnection settings;
    private final List<Consumer<ConfigChange>> listeners = new CopyOnWriteArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean running;
    private volatile Thread poller;
    private volatile Connection connection;

    public ChangeFeed(DatabaseConnection settings) {
        this.settings = settings;
    }

    public void subscribe(Consumer<ConfigChange> listener) {
        listeners.add(listener);
    }

    /** Starts listening; returns once LISTEN is in effect, so no change made afterwards is missed. */
    public void start() throws SQLException {
        connection = listen();
        running = true;
        poller = Thread.ofVirtual().name("config-change-feed").start(this::pollUntilClosed);
    }

    private Connection listen() throws SQLException {
        Connection c = DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
            return c;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private void pollUntilClosed() {
        while (running) {
            try {
                PGNotification[] notifications = connection.unwrap(PGConnection.class)
                        .getNotifications((int) POLL_INTERVAL.toMillis());
                if (notifications != null) {
                    for (PGNotification n : notifications) {
                        deliver(parse(n.getParameter()));
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                log.warn("configuration change feed lost its connection ({}); reconnecting", e.getMessage());
                reconnect();
            }
        }
    }

    private void reconnect() {
        closeQuietly(connection);
        while (running) {
            try {
                Thread.sleep(RECONNECT_DELAY);
                connection = listen();
                log.info("configuration change feed reconnected; asking caches to reload");
                deliver(ConfigChange.resync());
                return;
            } catch (SQLException e) {
                log.warn("configuration change feed cannot reconnect yet: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private ConfigChange parse(String payload) {
        try {
            JsonNode node = json.readTree(payload);
            return new ConfigChange(node.path("schema").asText(), node.path("table").asText(),
                    node.path("op").asText(), node.path("key").asText());
        } catch (java.io.IOException e) {
            log.warn("ignoring unreadable change notification: {}", payload);
            return ConfigChange.resync();
        }
    }

    private void deliver(ConfigChange change) {
        for (Consumer<ConfigChange> listener : listeners) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                log.error("a configuration change listener failed on {}", change, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Thread t = poller;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("closing the change feed connection: {}", e.getMessage());
        }
    }
}
