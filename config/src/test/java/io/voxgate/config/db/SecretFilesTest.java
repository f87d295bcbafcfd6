package io.voxgate.config.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFilesTest {

    @Test
    void secretIsCreatedOwnerOnlyAndThenKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets/key");

        String first = SecretFiles.createOnce(file, () -> "first");
        String second = SecretFiles.createOnce(file, () -> "second");

        assertThat(first).isEqualTo("first");
        assertThat(second).isEqualTo("first");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void racingCreatorsAllGetTheOneValueThatWasStored(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch go = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                String mine = "value-" + i;
                pool.submit(() -> {
                    go.await();
                    seen.add(SecretFiles.createOnce(file, () -> mine));
                    return null;
                });
            }
            go.countDown();
        }

        assertThat(seen).containsExactly(Files.readString(file));
        try (var leftovers = Files.list(dir)) {
            assertThat(leftovers).containsExactly(file);
        }
    }
}
