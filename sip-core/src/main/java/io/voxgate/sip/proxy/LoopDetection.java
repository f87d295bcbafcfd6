package io.voxgate.sip.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ListIterator;

import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.message.SIPRequest;
import io.voxgate.sip.transport.SipFlow;

/**
 * Loop detection, RFC 3261 §16.6 step 8 and §16.3 step 4: the branch this proxy puts in its Via
 * ends in a hash of what routes the request as it arrived (Request-URI, From and To tags, Call-ID,
 * CSeq number). A request that comes back carrying one of this proxy's Vias with the same hash
 * looped (482); with another hash it spiralled (it was retargeted) and goes on.
 */
final class LoopDetection {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    });

    private LoopDetection() {
    }

    /** The hash that ends this proxy's branch for {@code request}, computed before the proxy changes it. */
    static String key(SIPRequest request) {
        String fields = request.getRequestURI() + "|" + request.getFromTag() + "|" + request.getToTag() + "|"
                + request.getCallId().getCallId() + "|" + request.getCSeq().getSeqNumber();
        byte[] digest = SHA_256.get().digest(fields.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    /** Whether {@code request} already passed this proxy (as reached over {@code arrivedOn}) unchanged. */
    static boolean looped(SIPRequest request, SipFlow arrivedOn) {
        String key = null;
        for (ListIterator<?> it = request.getViaHeaders().listIterator(); it.hasNext(); ) {
            Via via = (Via) it.next();
            String branch = via.getBranch();
            if (branch == null || branch.indexOf('.') < 0 || !arrivedOn.isAdvertisedAs(via.getHost(), via.getPort())) {
                continue;
            }
            if (key == null) {
                key = key(request);
            }
            if (branch.substring(branch.lastIndexOf('.') + 1).equals(key)) {
                return true;
            }
        }
        return false;
    }
}
