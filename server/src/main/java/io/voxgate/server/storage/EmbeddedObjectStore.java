package io.voxgate.server.storage;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobProviderMetadata;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.voxgate.config.db.SecretFiles;

/**
 * A real S3-compatible server (S3Proxy over a directory under data-dir), started in-process when
 * no {@code s3.endpoint} is configured. It listens on 127.0.0.1 only and signs with keys generated
 * on first start and kept in the secrets directory. Objects are stored as plain files: what goes
 * in must already be encrypted (recordings are, client-side, before upload).
 */
public final class EmbeddedObjectStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedObjectStore.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final String ACCESS_KEY_FILE = "embedded-s3-access.key";
    private static final String SECRET_KEY_FILE = "embedded-s3-secret.key";

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final ObjectStoreEndpoint endpoint;

    private EmbeddedObjectStore(S3Proxy proxy, BlobStoreContext context, ObjectStoreEndpoint endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
    }

    public static EmbeddedObjectStore start(Path storeDir, Path secretsDir, int port, String region, String bucket)
            throws Exception {
        Files.createDirectories(storeDir);
        Files.setPosixFilePermissions(storeDir, PosixFilePermissions.fromString("rwx------"));
        String accessKey = SecretFiles.createOnce(secretsDir.resolve(ACCESS_KEY_FILE), () -> SecretFiles.randomHex(10));
        String secretKey = SecretFiles.createOnce(secretsDir.resolve(SECRET_KEY_FILE), () -> SecretFiles.randomHex(20));

        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", storeDir.toString());
        // filesystem-nio2, not filesystem: the latter lists directories as objects. Named by its
        // metadata class, not by id: a lookup by id instantiates every provider on the classpath,
        // including S3Proxy's Azure one whose jclouds dependencies are deliberately left out.
        BlobStoreContext context = ContextBuilder.newBuilder(new FilesystemNio2BlobProviderMetadata())
                .credentials(accessKey, secretKey)
                .overrides(properties)
                .build(BlobStoreContext.class);
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://" + host + ":" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .ignoreUnknownHeaders(true)
                .jettyMaxThreads(16)
                .build();
        try {
            proxy.start();
            awaitStarted(proxy);
            if (!context.getBlobStore().containerExists(bucket)) {
                context.getBlobStore().createContainerInLocation(null, bucket);
            }
        } catch (Exception | Error e) {
            // a store that failed to start keeps neither its port nor its threads
            try {
                proxy.stop();
            } catch (Exception stop) {
                e.addSuppressed(stop);
            }
            context.close();
            throw e;
        }
        ObjectStoreEndpoint endpoint = new ObjectStoreEndpoint(URI.create("http://" + host + ":" + proxy.getPort()),
                region, bucket, accessKey, secretKey);
        log.info("embedded S3 store listening on {} (bucket {}, data {})", endpoint.endpoint(), bucket, storeDir);
        return new EmbeddedObjectStore(proxy, context, endpoint);
    }

    private static void awaitStarted(S3Proxy proxy) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the embedded S3 store did not start within " + START_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(20);
        }
    }

    public ObjectStoreEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
            log.info("embedded S3 store stopped");
        } catch (Exception e) {
            log.warn("could not stop the embedded S3 store cleanly", e);
        } finally {
            context.close();
        }
    }
}
