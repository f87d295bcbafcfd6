package io.voxgate.sip.ua;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.AddressFactory;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.SipStackExt;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.clientauthutils.AuthenticationHelper;
import gov.nist.javax.sip.clientauthutils.UserCredentials;
import gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy;
import io.voxgate.certs.TlsPolicy;
import io.voxgate.sip.message.RiStackLogBridge;

/**
 * A phone for tests on the JAIN-SIP RI stack: its own {@link SipStack} with one TLS listening point
 * on loopback, transactions and dialogs from the RI, digest from the RI's
 * {@link AuthenticationHelper}, and the switch as outbound proxy (RFC 3261 §8.1.2), so every
 * request goes over the one TLS connection the stack opens to it. That is also the connection the
 * switch sends this phone's requests down (RFC 5626 §5.3), and the RI accepts requests on it.
 *
 * <p>What arrives is queued; every wait is bounded ({@value #WAIT_SECONDS} s) and fails with an
 * {@link AssertionError} naming what did not come. Close it to stop the stack.
 */
public final class RiUserAgent implements SipListener, AutoCloseable {

    static final long WAIT_SECONDS = 5;
    private static final AtomicInteger STACKS = new AtomicInteger();
    private static final String LOOPBACK = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An audio offer and answer (RFC 3264), so calls carry the bodies a real call would. */
    static final String SDP_OFFER = sdp("offerer");
    static final String SDP_ANSWER = sdp("answerer");

    static {
        // Until a stack reads STACK_LOGGER, the RI logs through this JVM-wide logger, or through
        // log4j 1.x (absent) when there is none yet.
        if (CommonLogger.legacyLogger == null) {
            CommonLogger.legacyLogger = new RiStackLogBridge();
        }
    }

    /** The switch this phone uses: its TLS port, the root CA it is trusted by, and a key store for the phone's own listener. */
    public record Switch(int tlsPort, Path trustedRootPem, Path listenerKeystore, String listenerKeystorePassword) {
    }

    private final String user;
    private final String domain;
    private final int port;
    private final SipStack stack;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    private final AuthenticationHelper digest;
    private final BlockingQueue<Incoming> requests = new LinkedBlockingQueue<>();
    /** This phone's To tag in each call it answers (RFC 3261 §19.3), the same for every response in it. */
    private final Map<String, String> localTags = new ConcurrentHashMap<>();
    private final String registrationCallId;
    private final String registrationFromTag = newTag();
    private long registrationCSeq;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private RiUserAgent(String user, String domain, String password, Switch sip) throws Exception {
        this.user = user;
        this.domain = domain;
        this.port = freeLoopbackPort();
        SipFactory factory = SipFactory.getInstance();
        stack = factory.createSipStack(properties(sip, user));
        addresses = factory.createAddressFactory();
        headers = factory.createHeaderFactory();
        messages = factory.createMessageFactory();
        ListeningPoint tls = stack.createListeningPoint(LOOPBACK, port, ListeningPoint.TLS);
        provider = stack.createSipProvider(tls);
        provider.addSipListener(this);
        UserCredentials credentials = new UserCredentials() {
            @Override public String getUserName() { return user; }
            @Override public String getPassword() { return password; }
            @Override public String getSipDomain() { return domain; }
        };
        digest = ((SipStackExt) stack).getAuthenticationHelper((transaction, realm) -> credentials, headers);
        registrationCallId = provider.getNewCallId().getCallId();
    }

    /** A phone of {@code user}@{@code domain} that authenticates with {@code password}, listening on a free loopback port. */
    public static RiUserAgent start(String user, String domain, String password, Switch sip) throws Exception {
        return new RiUserAgent(user, domain, password, sip);
    }

    private static Properties properties(Switch sip, String user) {
        Properties p = new Properties();
        // unique: SipFactory hands out the existing stack of a name; and no IP_ADDRESS, by which it would share one too
        p.setProperty("javax.sip.STACK_NAME", "voxgate-test-ua-" + user + "-" + STACKS.incrementAndGet());
        p.setProperty("javax.sip.OUTBOUND_PROXY", LOOPBACK + ":" + sip.tlsPort() + "/TLS");
        // SLF4J, never log4j 1.x (absent); the RI makes both by reflection
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", RiStackLogBridge.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", RiMessageTrace.class.getName());
        // TLS keys of this stack alone, never the JVM-wide javax.net.ssl ones: the blocking transports
        // (the RI's default) take sockets from NETWORK_LAYER, and the stack's own SECURITY_MANAGER_PROVIDER agrees
        p.setProperty("gov.nist.javax.sip.NETWORK_LAYER", RiTlsNetworkLayer.class.getName());
        p.setProperty("gov.nist.javax.sip.SECURITY_MANAGER_PROVIDER", RiTlsKeys.class.getName());
        p.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", DefaultTlsSecurityPolicy.class.getName()); // named, so the RI does not warn
        p.setProperty(RiTlsKeys.TRUSTED_ROOT_PEM, sip.trustedRootPem().toString());
        p.setProperty(RiTlsKeys.LISTENER_KEYSTORE, sip.listenerKeystore().toString());
        p.setProperty(RiTlsKeys.LISTENER_KEYSTORE_PASSWORD, sip.listenerKeystorePassword());
        // the switch's policy (TLS 1.3/1.2, AEAD suites); the RI's defaults are TLS 1.0-1.2 with CBC suites
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TlsPolicy.PROTOCOLS));
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", TlsPolicy.AEAD_CIPHER_SUITES));
        // the phone's listener asks nobody for a certificate; its outgoing connections still verify the switch
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        return p;
    }

    // ------------------------------------------------------------------ requests this phone sends

    /** Its address of record, {@code sip:user@domain}. */
    public String aor() {
        return "sip:" + user + "@" + domain;
    }

    /** Where it is reached: its own TLS listener. */
    public String contactUri() {
        return "sip:" + user + "@" + LOOPBACK + ":" + port + ";transport=tls";
    }

    /**
     * A REGISTER of this phone's contact for {@code expires} seconds (0 removes it); refreshes keep
     * the Call-ID and raise the CSeq (RFC 3261 §10.2.4).
     */
    public Request registerRequest(int expires) throws Exception {
        Request register = request(Request.REGISTER, "sip:" + domain, aor(), registrationCallId, ++registrationCSeq,
                registrationFromTag);
        register.addHeader(contact());
        register.addHeader(headers.createExpiresHeader(expires));
        return register;
    }

    /** REGISTER, answering the registrar's challenge: the final response. */
    public Response register(int expires) throws Exception {
        Outgoing register = send(registerRequest(expires));
        Response answer = register.finalResponse();
        return answer.getStatusCode() == Response.UNAUTHORIZED ? answerChallenge(register, answer).finalResponse() : answer;
    }

    /** An INVITE to {@code target} carrying an SDP offer, outside any dialog. */
    public Request inviteRequest(String target) throws Exception {
        Request invite = request(Request.INVITE, target, target, provider.getNewCallId().getCallId(), 1, newTag());
        invite.addHeader(contact());
        invite.setContent(SDP_OFFER, headers.createContentTypeHeader("application", "sdp"));
        return invite;
    }

    /** INVITE {@code target}, answering the proxy's 407 (RFC 3261 §22.3): the authenticated INVITE. */
    public Outgoing call(String target) throws Exception {
        Outgoing invite = send(inviteRequest(target));
        Response challenge = invite.finalResponse();
        if (challenge.getStatusCode() != Response.PROXY_AUTHENTICATION_REQUIRED) {
            throw new AssertionError("INVITE " + target + " was not challenged with 407 but answered " + challenge.getStatusCode());
        }
        return answerChallenge(invite, challenge);
    }

    public Outgoing send(Request request) throws Exception {
        Outgoing outgoing = new Outgoing(provider.getNewClientTransaction(request));
        outgoing.transaction.sendRequest();
        return outgoing;
    }

    /**
     * Sends {@code challenged} again with credentials for {@code challenge} (401 or 407), through the
     * RI's {@link AuthenticationHelper}, shown the challenge as it came. The switch offers SHA-256
     * and then MD5 (RFC 8760); the helper answers both, each computed with MD5 whatever its label,
     * and the switch accepts the one that verifies.
     */
    public Outgoing answerChallenge(Outgoing challenged, Response challenge) throws Exception {
        ClientTransaction retry = digest.handleChallenge(challenge, challenged.transaction, provider, 0, true);
        if (Request.REGISTER.equals(retry.getRequest().getMethod())) {
            registrationCSeq = ((CSeqHeader) retry.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber(); // the helper raised it
        }
        Outgoing outgoing = new Outgoing(retry);
        retry.sendRequest();
        return outgoing;
    }

    /** CANCEL a pending INVITE (RFC 3261 §9.1). */
    public Outgoing cancel(Outgoing invite) throws Exception {
        return send(invite.transaction.createCancel());
    }

    /** ACK a 2xx to an INVITE, end to end along the dialog's route set (RFC 3261 §13.2.2.4). */
    public void ack(Dialog dialog, Response ok) throws Exception {
        dialog.sendAck(dialog.createAck(((CSeqHeader) ok.getHeader(CSeqHeader.NAME)).getSeqNumber()));
    }

    /** A request in {@code dialog} (BYE, or an INVITE with a new offer: a re-INVITE, RFC 3261 §14). */
    public Outgoing sendInDialog(Dialog dialog, String method) throws Exception {
        Request request = dialog.createRequest(method);
        if (Request.INVITE.equals(method)) {
            request.setHeader(contact());
            request.setContent(SDP_OFFER, headers.createContentTypeHeader("application", "sdp"));
        }
        Outgoing outgoing = new Outgoing(provider.getNewClientTransaction(request));
        dialog.sendRequest(outgoing.transaction);
        return outgoing;
    }

    private Request request(String method, String requestUri, String to, String callId, long cseq, String fromTag) throws Exception {
        return messages.createRequest(addresses.createURI(requestUri), method,
                headers.createCallIdHeader(callId), headers.createCSeqHeader(cseq, method),
                headers.createFromHeader(addresses.createAddress(aor()), fromTag),
                headers.createToHeader(addresses.createAddress(to), null),
                List.of(headers.createViaHeader(LOOPBACK, port, ListeningPoint.TLS, null)),
                headers.createMaxForwardsHeader(70));
    }

    private ContactHeader contact() throws Exception {
        return headers.createContactHeader(addresses.createAddress(contactUri()));
    }

    /** A request this phone sent, and the responses to it as they arrive. */
    public final class Outgoing {
        final ClientTransaction transaction;
        private final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();

        private Outgoing(ClientTransaction transaction) {
            this.transaction = transaction;
            transaction.setApplicationData(responses);
        }

        public Request request() {
            return transaction.getRequest();
        }

        /** The dialog this request created or belongs to. */
        public Dialog dialog() {
            return transaction.getDialog();
        }

        /** The next response, passing over 100 Trying: a proxy's own hop-by-hop answer (RFC 3261 §16.2). */
        public Response nextResponse() throws InterruptedException {
            while (true) {
                Response response = responses.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                if (response == null) {
                    throw new AssertionError(user + ": no response to " + request().getMethod() + " within " + WAIT_SECONDS + " s");
                }
                if (response.getStatusCode() != Response.TRYING) {
                    return response;
                }
            }
        }

        /** The final response, passing over provisional ones. */
        public Response finalResponse() throws InterruptedException {
            Response response = nextResponse();
            while (response.getStatusCode() < 200) {
                response = nextResponse();
            }
            return response;
        }
    }

    // ------------------------------------------------------------------ requests this phone receives

    /** The next request that reached this phone. */
    public Incoming nextRequest() throws InterruptedException {
        Incoming request = requests.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError(user + ": no request within " + WAIT_SECONDS + " s");
        }
        return request;
    }

    /** A request that reached this phone, with the server transaction to answer it in (none for ACK). */
    public final class Incoming {
        private final RequestEvent event;
        private final ServerTransaction transaction;

        private Incoming(RequestEvent event, ServerTransaction transaction) {
            this.event = event;
            this.transaction = transaction;
        }

        public Request request() {
            return event.getRequest();
        }

        public String method() {
            return request().getMethod();
        }

        /** The dialog it belongs to or (an initial INVITE) creates. */
        public Dialog dialog() {
            return transaction != null ? transaction.getDialog() : event.getDialog();
        }

        /**
         * Answers with {@code status}: with this phone's To tag in the call, and for an INVITE its
         * Contact (RFC 3261 §12.1.1) and, in a 2xx, the SDP answer.
         */
        public void answer(int status) throws Exception {
            Response response = messages.createResponse(status, request());
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (to.getTag() == null && status > Response.TRYING) {
                to.setTag(localTags.computeIfAbsent(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId(), id -> newTag()));
            }
            if (Request.INVITE.equals(method()) && status > Response.TRYING && status < 300) {
                response.addHeader(contact());
                if (status >= 200) {
                    response.setContent(SDP_ANSWER, headers.createContentTypeHeader("application", "sdp"));
                }
            }
            transaction.sendResponse(response);
        }
    }

    // ------------------------------------------------------------------ SipListener, on the RI's threads

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        ServerTransaction transaction = event.getServerTransaction();
        try {
            if (transaction == null && !Request.ACK.equals(request.getMethod())) {
                transaction = provider.getNewServerTransaction(request);
            }
        } catch (Exception e) {
            throw new IllegalStateException(user + ": no server transaction for " + request.getMethod(), e);
        }
        requests.add(new Incoming(event, transaction));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void processResponse(ResponseEvent event) {
        ClientTransaction transaction = event.getClientTransaction();
        if (transaction != null && transaction.getApplicationData() instanceof BlockingQueue<?> responses) {
            ((BlockingQueue<Response>) responses).add(event.getResponse());
        }
        // else a 2xx retransmission or a stray: the transaction it answered has ended
    }

    // a timeout or a transport error shows as the response a test waits for in vain; the RI logs the cause
    @Override
    public void processTimeout(TimeoutEvent event) {
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    /** Stops the stack: its listener and its connection to the switch close. */
    @Override
    public void close() {
        if (stopped.compareAndSet(false, true)) {
            provider.removeSipListener(this);
            RiTlsNetworkLayer network = (RiTlsNetworkLayer) ((SipStackImpl) stack).getNetworkLayer();
            network.refuseNewConnections();
            stack.stop(); // takes a second: the RI sleeps to let processing complete
            network.closeAll();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String newTag() {
        return HexFormat.of().toHexDigits(RANDOM.nextLong()); // RFC 3261 §19.3: random, at least 32 bits
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return probe.getLocalPort(); // the RI takes no port 0 for a listening point
        }
    }

    private static String sdp(String name) {
        return "v=0\r\no=" + name + " 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
    }
}
