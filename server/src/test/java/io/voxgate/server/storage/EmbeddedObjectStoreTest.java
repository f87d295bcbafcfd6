package io.voxgate.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class EmbeddedObjectStoreTest {

    private static Path dir;
    private static EmbeddedObjectStore store;
    private static S3Client s3;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("voxgate-s3-");
        store = EmbeddedObjectStore.start(dir.resolve("objects"), dir.resolve("secrets"), 0, "us-east-1", "recordings");
        s3 = ObjectStoreClients.client(store.endpoint());
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
        store.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void objectRoundTripsThroughTheAwsSdk() {
        byte[] body = "call 42 audio".getBytes(StandardCharsets.UTF_8);

        s3.putObject(b -> b.bucket("recordings").key("acme/2026/11/call-42.enc"), RequestBody.fromBytes(body));

        assertThat(s3.getObjectAsBytes(b -> b.bucket("recordings").key("acme/2026/11/call-42.enc")).asByteArray())
                .isEqualTo(body);
        assertThat(s3.listObjectsV2(b -> b.bucket("recordings").prefix("acme/")).contents())
                .extracting(S3Object::key).containsExactly("acme/2026/11/call-42.enc");
    }

    @Test
    void deletedObjectIsGone() {
        s3.putObject(b -> b.bucket("recordings").key("to-delete"), RequestBody.fromString("x"));

        s3.deleteObject(b -> b.bucket("recordings").key("to-delete"));

        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket("recordings").key("to-delete")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void requestSignedWithOtherKeysIsRefused() {
        ObjectStoreEndpoint real = store.endpoint();
        ObjectStoreEndpoint forged = new ObjectStoreEndpoint(real.endpoint(), real.region(), real.bucket(),
                real.accessKey(), "0000000000000000000000000000000000000000");
        try (S3Client intruder = ObjectStoreClients.client(forged)) {
            assertThatThrownBy(() -> intruder.listObjectsV2(b -> b.bucket("recordings")))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(403));
        }
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        assertThat(InetAddress.getByName(store.endpoint().endpoint().getHost()).isLoopbackAddress()).isTrue();
    }

    @Test
    void signingKeysAreKeptOwnerOnlyAndReusedOnRestart() throws Exception {
        Path secrets = dir.resolve("secrets");
        assertThat(Files.getPosixFilePermissions(secrets.resolve("embedded-s3-secret.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(secrets.resolve("embedded-s3-secret.key")).strip())
                .isEqualTo(store.endpoint().secretKey());
    }
}
