package io.voxgate.config.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.DatabaseConnection;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;
import io.voxgate.config.user.UserDirectory;

class ChangeFeedTest {

    // Generous bound so a loaded CI machine cannot make this flaky; the feed polls every 250 ms.
    private static final long WAIT_SECONDS = 10;

    private ConfigDatabase database;
    private ChangeFeed feed;
    private final BlockingQueue<ConfigChange> received = new LinkedBlockingQueue<>();
    private Tenant acme;

    @BeforeEach
    void listeningFeed() throws Exception {
        DatabaseConnection connection = TestPostgres.freshDatabase();
        database = ConfigDatabase.connect(connection, 4);
        database.migrate();
        acme = new TenantDirectory(database).create("acme", "Acme", "acme.example");
        feed = new ChangeFeed(connection);
        feed.subscribe(received::add);
        feed.start();
    }

    @AfterEach
    void close() {
        feed.close();
        database.close();
    }

    @Test
    void addingAUserIsAnnouncedWithTheTenantTableAndKey() throws Exception {
        var user = new UserDirectory(database).add(acme, "1001", "Alice", null, "correct-horse-battery-staple");

        ConfigChange change = nextChangeTo("users");

        assertThat(change.tenantSlug()).contains("acme");
        assertThat(change.op()).isEqualTo("INSERT");
        assertThat(change.key()).isEqualTo(user.id().toString());
    }

    @Test
    void controlSchemaChangesAreAnnouncedToo() throws Exception {
        new TenantDirectory(database).create("globex", "Globex", "globex.example");

        ConfigChange change = nextChangeTo("sip_domains");

        assertThat(change.schema()).isEqualTo(ConfigDatabase.CONTROL_SCHEMA);
        assertThat(change.key()).isEqualTo("globex.example");
        assertThat(change.tenantSlug()).isEmpty();
    }

    @Test
    void aLostConnectionIsFollowedByAResyncSoNoChangeGoesUnnoticed() throws Exception {
        try (Connection su = TestPostgres.superuser("postgres");
             PreparedStatement ps = su.prepareStatement(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN voxgate_config%'")) {
            ps.execute();
        }

        ConfigChange change = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(change).isNotNull();
        assertThat(change.isResync()).isTrue();
    }

    private ConfigChange nextChangeTo(String table) throws InterruptedException {
        while (true) {
            ConfigChange change = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(change).as("a change to " + table).isNotNull();
            if (change.table().equals(table)) {
                return change;
            }
        }
    }
}
