package io.voxgate.server.storage;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.server.settings.VoxgateSettings;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;

/**
 * The S3-compatible store the switch writes to (recordings): the one at {@code s3.endpoint}, or
 * the embedded one under data-dir. An external bucket must exist already; the switch does not
 * create buckets in someone else's account.
 */
public final class ObjectStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);

    private final S3Client client;
    private final ObjectStoreEndpoint endpoint;
    private final Optional<EmbeddedObjectStore> embedded;

    private ObjectStore(S3Client client, ObjectStoreEndpoint endpoint, Optional<EmbeddedObjectStore> embedded) {
        this.client = client;
        this.endpoint = endpoint;
        this.embedded = embedded;
    }

    public static ObjectStore open(VoxgateSettings settings, Map<String, String> env) throws Exception {
        VoxgateSettings.S3 s3 = settings.s3();
        if (s3.isEmbedded()) {
            EmbeddedObjectStore store = EmbeddedObjectStore.start(settings.dataDir().resolve("objects"),
                    settings.secretsDir(), s3.embedded().port(), s3.region(), s3.bucket());
            return new ObjectStore(ObjectStoreClients.client(store.endpoint()), store.endpoint(), Optional.of(store));
        }
        ObjectStoreEndpoint endpoint = new ObjectStoreEndpoint(URI.create(s3.endpoint()), s3.region(), s3.bucket(),
                resolve(settings, "s3.access-key", s3.accessKey(), env), resolve(settings, "s3.secret-key", s3.secretKey(), env));
        S3Client client = ObjectStoreClients.client(endpoint);
        try {
            client.headBucket(HeadBucketRequest.builder().bucket(s3.bucket()).build());
        } catch (SdkException e) {
            client.close();
            throw settings.error("s3.bucket", "bucket '" + s3.bucket() + "' at " + s3.endpoint()
                    + " is not reachable with the configured keys: " + e.getMessage());
        }
        log.info("using S3 store {} bucket {}", s3.endpoint(), s3.bucket());
        return new ObjectStore(client, endpoint, Optional.empty());
    }

    private static String resolve(VoxgateSettings settings, String key, io.voxgate.server.settings.SecretReference ref,
                                  Map<String, String> env) {
        try {
            return ref.resolve(env).orElseThrow();
        } catch (IllegalStateException e) {
            throw settings.error(key, e.getMessage());
        }
    }

    public Optional<String> problem() {
        try {
            client.headBucket(HeadBucketRequest.builder().bucket(endpoint.bucket()).build());
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of("bucket " + endpoint.bucket() + " unreachable");
        }
    }

    public S3Client client() {
        return client;
    }

    public ObjectStoreEndpoint endpoint() {
        return endpoint;
    }

    public Optional<EmbeddedObjectStore> embedded() {
        return embedded;
    }

    @Override
    public void close() {
        client.close();
        embedded.ifPresent(EmbeddedObjectStore::close);
    }
}
