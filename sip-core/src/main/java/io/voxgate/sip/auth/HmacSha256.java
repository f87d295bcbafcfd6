package io.voxgate.sip.auth;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 instances for one key, one per thread: Mac.getInstance and init are too slow per request. */
public final class HmacSha256 {

    private HmacSha256() {
    }

    public static ThreadLocal<Mac> perThread(byte[] key) {
        byte[] copy = key.clone();
        return ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(copy, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
            }
        });
    }
}
