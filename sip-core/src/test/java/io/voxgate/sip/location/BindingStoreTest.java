package io.voxgate.sip.location;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.db.Sql;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.tenant.TenantSchema;
import io.voxgate.config.testing.TestPostgres;

class BindingStoreTest {

    private ConfigDatabase database;

    @BeforeEach
    void tenant() {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 4);
        database.migrate();
        new TenantDirectory(database).create("acme", "Acme", "pbx.acme.example");
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static final Instant NOW = Instant.now();

    private static Binding binding(String contact, long cseq) {
        return binding(contact, cseq, NOW.plusSeconds(600));
    }

    private static Binding binding(String contact, long cseq, Instant expiresAt) {
        return new Binding(new AddressOfRecord("acme", "1001"), contact, null, 0, "node-1", "call", cseq,
                expiresAt, "test", "127.0.0.1:5061");
    }

    private List<String> stored() {
        return database.inTenant(TenantSchema.of("acme"),
                c -> Sql.list(c, "SELECT contact || ' ' || cseq FROM registrations WHERE aor_user = '1001'", row -> row.getString(1)));
    }

    @Test
    void aBurstOfRefreshesStoresTheLatestStateOfEachAddress() throws Exception {
        try (BindingStore store = new BindingStore(database, "node-1")) {
            for (int cseq = 1; cseq <= 2000; cseq++) {
                store.save(new AddressOfRecord("acme", "1001"), List.of(binding("sip:1001@10.0.0.2", cseq, NOW.plusSeconds(61L * cseq))));
            }
            store.flush();

            assertThat(stored()).containsExactly("sip:1001@10.0.0.2 2000");
            assertThat(store.backlog()).isZero();
        }
    }

    @Test
    void aRefreshThatMovesOnlyTheExpiryByLessThanTheSlackIsNotWritten() throws Exception {
        AddressOfRecord alice = new AddressOfRecord("acme", "1001");
        try (BindingStore store = new BindingStore(database, "node-1")) {
            store.save(alice, List.of(binding("sip:1001@10.0.0.5", 1, NOW.plusSeconds(600))));
            store.flush();
            store.save(alice, List.of(binding("sip:1001@10.0.0.5", 2, NOW.plusSeconds(630))));
            store.flush();
            assertThat(stored()).containsExactly("sip:1001@10.0.0.5 1");

            store.save(alice, List.of(binding("sip:1001@10.0.0.5", 3, NOW.plusSeconds(600 + 61))));
            store.flush();
            assertThat(stored()).containsExactly("sip:1001@10.0.0.5 3"); // beyond the slack: written
        }
    }

    @Test
    void aRefreshOverAnotherConnectionOfThisNodeIsNotWrittenAgain() throws Exception {
        Binding reconnected = new Binding(new AddressOfRecord("acme", "1001"), "sip:1001@10.0.0.6", null, 0, "node-1-flow-2", "call", 2,
                NOW.plusSeconds(610), "test", "127.0.0.1:40000");

        assertThat(storedAfter(binding("sip:1001@10.0.0.6", 1), reconnected)).containsExactly("sip:1001@10.0.0.6 1");
    }

    @Test
    void aNewContactIsWrittenAtOnce() throws Exception {
        assertThat(storedAfter(binding("sip:1001@10.0.0.7", 1), binding("sip:1001@10.0.0.8", 2))).containsExactly("sip:1001@10.0.0.8 2");
    }

    /** What the database holds after saving each state of 1001 in turn, each one flushed. */
    private List<String> storedAfter(Binding... states) throws InterruptedException {
        try (BindingStore store = new BindingStore(database, "node-1")) {
            for (Binding state : states) {
                store.save(new AddressOfRecord("acme", "1001"), List.of(state));
                store.flush();
            }
            return stored();
        }
    }

    @Test
    void closeWritesWhatIsStillWaiting() {
        BindingStore store = new BindingStore(database, "node-1");
        store.save(new AddressOfRecord("acme", "1001"), List.of(binding("sip:1001@10.0.0.3", 7)));

        store.close();

        assertThat(stored()).containsExactly("sip:1001@10.0.0.3 7");
    }

    @Test
    void anEmptyStateRemovesTheStoredBindings() throws Exception {
        try (BindingStore store = new BindingStore(database, "node-1")) {
            store.save(new AddressOfRecord("acme", "1001"), List.of(binding("sip:1001@10.0.0.4", 1)));
            store.flush();
            store.save(new AddressOfRecord("acme", "1001"), List.of());
            store.flush();

            assertThat(stored()).isEmpty();
        }
    }
}
