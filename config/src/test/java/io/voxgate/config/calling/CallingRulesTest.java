package io.voxgate.config.calling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.voxgate.config.db.ConfigDatabase;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.tenant.TenantDirectory;
import io.voxgate.config.testing.TestPostgres;

class CallingRulesTest {

    private ConfigDatabase database;
    private CallingRules rules;
    private Tenant acme;

    @BeforeEach
    void tenant() {
        database = ConfigDatabase.connect(TestPostgres.freshDatabase(), 6);
        database.migrate();
        acme = new TenantDirectory(database).create("acme", "Acme", "acme.example");
        rules = new CallingRules(database);
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static DialPlan plan(boolean international) {
        return new DialPlan("tenant", true, true, true, international, false, false, List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void twoWritesThatReadTheSameStateCannotBothPass() throws Exception {
        var writers = java.util.concurrent.Executors.newFixedThreadPool(2); // two at once, whatever the common pool's size
        CountDownLatch firstIsChecking = new CountDownLatch(1);
        CountDownLatch letFirstGoOn = new CountDownLatch(1);
        // each writes only if nothing is stored yet, as two admins holding the same ETag would
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> rules.putDialPlan(acme, plan(true), stored -> {
            firstIsChecking.countDown();
            await(letFirstGoOn);
            return stored.isEmpty();
        }).written(), writers);
        assertThat(firstIsChecking.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> rules.putDialPlan(acme, plan(false), Optional::isEmpty).written(),
                writers);
        try {
            second.get(300, TimeUnit.MILLISECONDS); // without the lock it would read "nothing stored" now and write
        } catch (TimeoutException waitingForTheFirst) {
            // as it should: it waits for the first write's transaction
        }
        letFirstGoOn.countDown();

        assertThat(List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS))).containsExactly(true, false);
        assertThat(rules.dialPlan(acme, "tenant").orElseThrow().international()).isTrue();
        writers.shutdown();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
