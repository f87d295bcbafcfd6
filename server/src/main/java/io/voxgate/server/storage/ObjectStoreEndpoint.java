package io.voxgate.server.storage;

import java.net.URI;

/** Where the switch's S3-compatible store is and how to sign requests to it. toString hides the secret. */
public record ObjectStoreEndpoint(URI endpoint, String region, String bucket, String accessKey, String secretKey) {

    @Override
    public String toString() {
        return "ObjectStoreEndpoint[" + endpoint + ", region " + region + ", bucket " + bucket + "]";
    }
}
