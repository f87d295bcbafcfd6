package io.voxgate.sip.proxy;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.header.TooManyHopsException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.MaxForwards;
import gov.nist.javax.sip.header.RecordRoute;
import gov.nist.javax.sip.header.Route;
import gov.nist.javax.sip.header.RouteList;
import gov.nist.javax.sip.header.Via;
import gov.nist.javax.sip.header.ims.PAssertedIdentity;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.user.SipCredential;
import io.voxgate.sip.MethodCounters;
import io.voxgate.sip.auth.DigestAuthenticator;
import io.voxgate.sip.hooks.CallPolicy;
import io.voxgate.sip.hooks.MediaAnchor;
import io.voxgate.sip.location.AddressOfRecord;
import io.voxgate.sip.location.Binding;
import io.voxgate.sip.location.ContactAddress;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.registrar.SipAccounts;
import io.voxgate.sip.security.EdgeGuard;
import io.voxgate.sip.transaction.ClientTransaction;
import io.voxgate.sip.transaction.ClientTransactions;
import io.voxgate.sip.transaction.ServerTransaction;
import io.voxgate.sip.transport.FlowRegistry;
import io.voxgate.sip.transport.SipConnector;
import io.voxgate.sip.transport.SipFlow;

/**
 * The record-routing stateful proxy, RFC 3261 §16, inside one tenant: authenticates the caller
 * (407), finds the callee's registered contacts, forks to all of them in parallel, forwards the
 * best final response (2xx at once, and CANCELs the other branches), answers CANCEL with 487 via
 * the callee, and keeps in-dialog requests on the proxy with a Record-Route per side that names
 * that side's flow (RFC 5626 §5.3), so BYE and re-INVITE find a NATed phone's connection.
 */
public final class Proxy {

    private static final Logger log = LoggerFactory.getLogger(Proxy.class);
    private static final String MAGIC_COOKIE = "z9hG4bK";
    private static final List<String> CALLER_IDENTITY_HEADERS = List.of("P-Asserted-Identity", "P-Preferred-Identity",
            "Remote-Party-ID");

    private final SipAccounts accounts;
    private final DigestAuthenticator authenticator;
    private final LocationService location;
    private final FlowRegistry flows;
    private final EdgeGuard guard;
    private final ClientTransactions clients;
    private final Duration timerC;
    private final MeterRegistry metrics;
    private final CallPolicy policy;
    private final MediaAnchor media;
    private final SipConnector connector;
    private final MethodCounters authFailures;
    private final MethodCounters forwarded;
    private final AddressFactoryImpl addresses = new AddressFactoryImpl();
    private final SecureRandom random = new SecureRandom();
    private final FlowTokens flowTokens = new FlowTokens();
    private final io.voxgate.sip.message.SipMessageParser ownRequests = new io.voxgate.sip.message.SipMessageParser();
    /** From tag, Call-ID and CSeq of pending initial requests: a second copy on another path is a merge (482). */
    private final ConcurrentMap<String, String> pendingByDialogKey = new ConcurrentHashMap<>();
    /**
     * Confirmed INVITE dialogs by Call-ID, for the active-dialogs gauge and for ending a call from
     * the middle ({@link #endCall}). A dialog whose BYE never
     * passes (a phone lost power) ages out after a day rather than counting forever.
     */
    private final com.github.benmanes.caffeine.cache.Cache<String, ConfirmedDialog> dialogs = com.github.benmanes.caffeine.cache.Caffeine
            .newBuilder().executor(Runnable::run).maximumSize(1_000_000).expireAfterWrite(Duration.ofDays(1)).build();

    /** @param connector dials contacts whose registration connection is gone (RFC 3261 §18.1.1); null: never dial */
    public Proxy(SipAccounts accounts, DigestAuthenticator authenticator, LocationService location, FlowRegistry flows,
                 EdgeGuard guard, ClientTransactions clients, Duration timerC, MeterRegistry metrics,
                 CallPolicy policy, MediaAnchor media, SipConnector connector) {
        this.connector = connector;
        this.authFailures = new MethodCounters(metrics, "voxgate.sip.auth.failures");
        this.forwarded = new MethodCounters(metrics, "voxgate.sip.proxy.forwarded");
        this.policy = policy;
        this.media = media;
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.location = location;
        this.flows = flows;
        this.guard = guard;
        this.clients = clients;
        this.timerC = timerC;
        this.metrics = metrics;
        metrics.gauge("voxgate.sip.dialogs", dialogs, d -> d.estimatedSize());
    }

    /** A new request from a phone, in its server transaction. */
    public void onRequest(ServerTransaction transaction) {
        SIPRequest request = transaction.request();
        if (request.getToTag() != null) {
            routeInDialog(transaction, request);
        } else {
            initial(transaction, request);
        }
    }

    // ------------------------------------------------------------------ initial requests

    private void initial(ServerTransaction transaction, SIPRequest request) {
        SipFlow flow = transaction.flow();
        if (LoopDetection.looped(request, flow)) {
            answer(transaction, request, SIPResponse.LOOP_DETECTED); // RFC 3261 §16.3 step 4
            return;
        }
        if (!(request.getFrom().getAddress().getURI() instanceof SipUri from) || !(request.getRequestURI() instanceof SipUri target)) {
            transaction.respond(reason(SipResponses.create(request, SIPResponse.UNSUPPORTED_URI_SCHEME), "sip: or sips: URIs only"));
            return;
        }
        String realm = from.getHost().toLowerCase(Locale.ROOT);
        accounts.tenantForDomain(realm).thenCompose(tenant -> {
            List<AuthenticationHeader> answers = DigestAuthenticator.answersFor(request, "Proxy-Authorization", realm);
            if (answers.isEmpty()) {
                return CompletableFuture.completedFuture(Decision.respond(authenticator.challenge(request, realm, false, true)));
            }
            CompletableFuture<Optional<SipCredential>> credential = tenant.isPresent()
                    ? accounts.credential(tenant.get(), answers.getFirst().getUsername())
                    : CompletableFuture.completedFuture(Optional.empty());
            return credential.thenApply(found -> authenticate(flow, request, realm, tenant, from, answers, found));
        }).thenCompose(decision -> {
            if (decision.caller == null) {
                return CompletableFuture.completedFuture(decision);
            }
            if ("INVITE".equals(request.getMethod())) {
                // §16.2: finding the callee may mean dialling it (seconds): the caller learns we are on
                // it, and a CANCEL meanwhile ends the call at once (§16.10; forward() takes over from here)
                transaction.respond(SipResponses.create(request, SIPResponse.TRYING));
                transaction.whenCancelled(() -> answer(transaction, request, SIPResponse.REQUEST_TERMINATED));
            }
            return resolveTarget(decision.tenant, target).thenApply(decision::withTargets);
        }).whenComplete((decision, failure) -> {
            try {
                if (failure != null) {
                    throw failure;
                } else if (decision.response != null) {
                    transaction.respond(decision.response);
                } else {
                    forward(transaction, request, decision);
                }
            } catch (Throwable e) {
                // not swallowed by the future: the caller gets its answer and the transaction ends
                log.error("{}: {} failed", flow, request.getMethod(), e);
                transaction.respond(SipResponses.create(request, SIPResponse.SERVER_INTERNAL_ERROR));
            }
        });
    }

    /** Where an initial request stands: answered already, or authenticated with a caller and targets. */
    private record Decision(SIPResponse response, Tenant tenant, String caller, TargetLookup targets) {
        static Decision respond(SIPResponse response) {
            return new Decision(response, null, null, null);
        }

        Decision withTargets(TargetLookup found) {
            return new Decision(response, tenant, caller, found);
        }
    }

    private record TargetLookup(String user, List<SipFlowBinding> reachable, boolean exists) {
    }

    private record SipFlowBinding(Binding binding, SipFlow flow) {
    }

    private Decision authenticate(SipFlow flow, SIPRequest request, String realm, Optional<Tenant> tenant, SipUri from,
                                  List<AuthenticationHeader> answers, Optional<SipCredential> credential) {
        AuthenticationHeader header = answers.getFirst();
        DigestAuthenticator.Outcome outcome = authenticator.verify(request, answers, realm, credential.map(SipCredential::hashes));
        return switch (outcome) {
            case DigestAuthenticator.Outcome.Challenge challenge ->
                    Decision.respond(authenticator.challenge(request, realm, challenge.stale(), true));
            case DigestAuthenticator.Outcome.Rejected rejected -> {
                authFailures.increment(request.getMethod());
                for (int attempt = 0; attempt < answers.size(); attempt++) { // every guess the request carried counts
                    guard.authenticationFailed(flow.remoteAddress().getAddress(), header.getUsername() + "@" + realm);
                }
                yield Decision.respond(SipResponses.create(request, SIPResponse.FORBIDDEN));
            }
            case DigestAuthenticator.Outcome.Authenticated user -> user.username().equals(from.getUser())
                    ? new Decision(null, tenant.orElseThrow(), user.username(), null)
                    : Decision.respond(reason(SipResponses.create(request, SIPResponse.FORBIDDEN), "From does not match the authenticated user"));
        };
    }

    /** The callee inside the caller's tenant only: another tenant's domain is as unknown as a missing user. */
    private CompletableFuture<TargetLookup> resolveTarget(Tenant tenant, SipUri target) {
        String user = target.getUser();
        if (user == null || !tenant.primaryDomain().equalsIgnoreCase(target.getHost())) {
            return CompletableFuture.completedFuture(new TargetLookup(user, List.of(), false));
        }
        List<CompletableFuture<Optional<SipFlowBinding>>> reaching = new ArrayList<>();
        for (Binding binding : location.lookup(new AddressOfRecord(tenant.slug(), user))) {
            Optional<SipFlow> registeredOver = flows.find(binding.flowId());
            if (registeredOver.isPresent()) {
                reaching.add(CompletableFuture.completedFuture(Optional.of(new SipFlowBinding(binding, registeredOver.get()))));
            } else if (!binding.isOutbound()) {
                dialled(binding).ifPresent(reaching::add);
            }
            // an RFC 5626 flow that failed is never dialled: the phone re-registers over a new one
        }
        if (reaching.isEmpty()) {
            return accounts.credential(tenant, user).thenApply(c -> new TargetLookup(user, List.of(), c.isPresent()));
        }
        return CompletableFuture.allOf(reaching.toArray(CompletableFuture[]::new)).thenApply(all -> new TargetLookup(user,
                reaching.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList(), true));
    }

    /**
     * A connection to the binding's Contact, when it names a SIP-over-TLS address this switch may
     * dial: an IP literal (resolving a name here would block the event loop) on the host that registered it. Never fails: an
     * unreachable contact is an empty result, and the call goes to the other contacts or gets 480.
     */
    private Optional<CompletableFuture<Optional<SipFlowBinding>>> dialled(Binding binding) {
        if (connector == null) {
            return Optional.empty();
        }
        return ContactAddress.dialable(binding).map(address -> connector.connect(address)
                .handle((flow, failure) -> failure == null ? Optional.of(new SipFlowBinding(binding, flow)) : Optional.empty()));
    }

    private void forward(ServerTransaction transaction, SIPRequest request, Decision decision) {
        SipFlow callerFlow = transaction.flow();
        TargetLookup targets = decision.targets;
        SipUri requestUri = (SipUri) request.getRequestURI();
        CallPolicy.Verdict verdict = policy.decide(new CallPolicy.CallAttempt(decision.tenant.slug(), decision.caller,
                request.getMethod(), requestUri.getUser(), requestUri.getHost(), request.getCallId().getCallId()));
        if (verdict instanceof CallPolicy.Verdict.Reject reject) {
            log.info("{} from {}@{} to {} refused by rule {}", request.getMethod(), decision.caller, decision.tenant.slug(),
                    requestUri.getUser(), reject.rule());
            metrics.counter("voxgate.sip.policy.rejections").increment();
            transaction.respond(withWarning(SipResponses.create(request, reject.status()), reject.rule()));
            return;
        }
        if (targets.reachable.isEmpty()) {
            answer(transaction, request, targets.exists ? SIPResponse.TEMPORARILY_UNAVAILABLE : SIPResponse.NOT_FOUND);
            return;
        }
        if (!decrementMaxForwards(transaction, request)) {
            return;
        }
        String loopKey = LoopDetection.key(request); // of the request as it arrived
        assertIdentity(request, decision.caller, decision.tenant.primaryDomain());
        removeRoutesToThisProxy(callerFlow, request);
        String mergeKey = request.getFromTag() + "|" + request.getCallId().getCallId() + "|" + request.getCSeq().getSeqNumber()
                + "|" + request.getMethod();
        String existing = pendingByDialogKey.putIfAbsent(mergeKey, request.getTopmostVia().getBranch());
        if (existing != null && !existing.equals(request.getTopmostVia().getBranch())) {
            // RFC 3261 §8.2.2.2: the same request reached us again by another path (a fork loop)
            answer(transaction, request, SIPResponse.LOOP_DETECTED);
            return;
        }
        ProxyTransaction txn = new ProxyTransaction(transaction, request, mergeKey);
        boolean recordRoute = txn.invite || "SUBSCRIBE".equals(request.getMethod()) || "REFER".equals(request.getMethod());
        synchronized (txn) {
            if (cancelledBeforeForwarding(txn)) {
                return;
            }
            txn.forking = true;
            for (SipFlowBinding target : targets.reachable) {
                SIPRequest copy = (SIPRequest) request.clone();
                try {
                    copy.setRequestURI(addresses.createURI(target.binding().contact()));
                    if (recordRoute) {
                        addRecordRoutes(copy, callerFlow, target.flow());
                    }
                } catch (ParseException | SipException e) {
                    log.warn("cannot forward to {}: {}", target.binding().contact(), e.getMessage());
                    continue;
                }
                if (!addBranch(txn, copy, target.flow(), loopKey, decision.tenant)) {
                    return; // the media anchor refused the offer: answered already
                }
            }
            startTimers(txn);
        }
        forwarded.increment(request.getMethod());
    }

    /**
     * Hands a CANCEL for this INVITE to {@link #onCallerCancel} from now on; when one came already
     * (while the callee was looked up or dialled) nothing is forwarded and the answer is 487.
     * Called with the lock held, so a CANCEL arriving while branches are added waits for them.
     */
    private boolean cancelledBeforeForwarding(ProxyTransaction txn) {
        if (!txn.invite) {
            return false;
        }
        txn.server.whenCancelled(() -> onCallerCancel(txn)); // runs at once, setting txn.cancelled, if a CANCEL came
        if (!txn.cancelled) {
            return false;
        }
        answer(txn.server, txn.original, SIPResponse.REQUEST_TERMINATED);
        txn.finalForwarded = true;
        finish(txn);
        return true;
    }

    /** Ends the forking: Timer C for an INVITE (§16.6 step 11), and the answer if every branch already failed. */
    private void startTimers(ProxyTransaction txn) {
        txn.forking = false;
        if (txn.branches.isEmpty()) {
            txn.best = SipResponses.create(txn.original, SIPResponse.TEMPORARILY_UNAVAILABLE);
        }
        if (txn.invite) {
            txn.timerC = clients.timers().schedule(() -> onTimerC(txn), timerC);
        }
        conclude(txn);
    }

    /**
     * Sends one branch, its SDP offer rewritten by the media anchor. When the anchor refuses the
     * offer (or an INVITE without one) and no branch is out yet, the caller gets the refusal (488
     * for media the policy refuses, with a Warning saying why) and false comes back; a later
     * branch it refuses (the relay out of ports, say) is skipped.
     */
    private boolean addBranch(ProxyTransaction txn, SIPRequest copy, SipFlow target, String loopKey, Tenant tenant) {
        String branch = addVia(copy, target, loopKey);
        byte[] sdp = sdpOf(copy);
        MediaAnchor.Result result = null;
        if (isMultipart(copy) && negotiatesMedia(copy.getMethod())) {
            // an offer inside a multipart body would reach the callee unanchored
            result = MULTIPART_REFUSED;
        } else if (sdp != null) {
            result = media.offer(new MediaAnchor.Offer(tenant == null ? "" : tenant.slug(),
                    copy.getCallId().getCallId(), branch, copy.getFromTag(), copy.getToTag() != null,
                    tenant != null && tenant.plainRtpAllowed(), sdp));
        } else if (txn.invite) {
            result = media.inviteWithoutOffer(txn.callId, copy.getToTag() != null).orElse(null);
        }
        if (result instanceof MediaAnchor.Result.Refused refused) {
            log.info("{} {}: media refused: {} {}", copy.getMethod(), txn.callId, refused.status(), refused.reason());
            metrics.counter("voxgate.sip.media.refusals").increment();
            if (txn.branches.isEmpty()) {
                txn.server.respond(withWarning(SipResponses.create(txn.original, refused.status()), refused.reason(), 305));
                txn.finalForwarded = true;
                if (txn.initialInvite) {
                    media.releaseCall(txn.callId);
                }
                finish(txn);
                return false;
            }
            return true;
        }
        if (result instanceof MediaAnchor.Result.Sdp rewritten) {
            setSdp(copy, rewritten.sdp());
        }
        ProxyTransaction.Branch b = new ProxyTransaction.Branch(branch);
        txn.branches.add(b);
        b.client = clients.send(copy, target, new BranchEvents(txn, b));
        return true;
    }

    /**
     * The answer in a response, rewritten by the media anchor. One it cannot anchor (plain RTP
     * answering an SRTP offer, an SDP that does not parse, an offer where an answer belongs) is
     * not passed on, so no media goes around the relay: the response goes on without a body and a
     * Warning saying why, and true comes back for a 2xx, whose call the proxy then ends.
     */
    private boolean anchorAnswer(ProxyTransaction txn, ProxyTransaction.Branch branch, SIPResponse response, byte[] answer) {
        MediaAnchor.Result result = answer == null ? MULTIPART_REFUSED : media.answer(new MediaAnchor.Answer(txn.callId, branch.id,
                response.getToTag(), response.getStatusCode() < 300, answer));
        if (result instanceof MediaAnchor.Result.Sdp rewritten) {
            setSdp(response, rewritten.sdp());
            return false;
        }
        MediaAnchor.Result.Refused refused = (MediaAnchor.Result.Refused) result;
        log.warn("{} {}: answer not anchored ({}); passed on without it", response.getStatusCode(), txn.callId, refused.reason());
        metrics.counter("voxgate.sip.media.refusals").increment();
        response.setContentLength(new gov.nist.javax.sip.header.ContentLength(0));
        response.removeContent();
        response.removeHeader("Content-Type");
        withWarning(response, refused.reason(), 305);
        return response.getStatusCode() < 300;
    }

    /** Two Record-Routes, each naming the flow toward one side: in-dialog requests find the other side's connection. */
    private void addRecordRoutes(SIPRequest copy, SipFlow callerFlow, SipFlow calleeFlow) throws ParseException, SipException {
        copy.addFirst(recordRoute(callerFlow));
        copy.addFirst(recordRoute(calleeFlow));
    }

    private RecordRoute recordRoute(SipFlow flow) throws ParseException {
        SipUri uri = new SipUri();
        uri.setUser(flowTokens.token(flow.id()));
        uri.setHost(flow.advertisedAddress().getAddress().getHostAddress());
        uri.setPort(flow.advertisedAddress().getPort());
        uri.setTransportParam(flow.transport().toLowerCase(Locale.ROOT));
        uri.setLrParam();
        RecordRoute rr = new RecordRoute();
        rr.setAddress(addresses.createAddress(uri));
        return rr;
    }

    private void assertIdentity(SIPRequest request, String user, String domain) {
        for (String header : CALLER_IDENTITY_HEADERS) {
            request.removeHeader(header); // a phone does not get to say who it is
        }
        request.removeHeader("Proxy-Authorization"); // credentials for this proxy go no further
        try {
            PAssertedIdentity identity = new PAssertedIdentity();
            identity.setAddress(addresses.createAddress("<sip:" + user + "@" + domain + ">"));
            request.addHeader(identity);
        } catch (ParseException e) {
            throw new IllegalStateException("cannot assert identity " + user + "@" + domain, e);
        }
    }

    // ------------------------------------------------------------------ responses

    /** What a branch's client transaction reports, for the transaction it belongs to. */
    private final class BranchEvents implements ClientTransaction.Listener {
        private final ProxyTransaction txn;
        private final ProxyTransaction.Branch branch;

        BranchEvents(ProxyTransaction txn, ProxyTransaction.Branch branch) {
            this.txn = txn;
            this.branch = branch;
        }

        @Override
        public void onProvisional(ClientTransaction client, SIPResponse response) {
            onBranchProvisional(txn, branch, response);
        }

        @Override
        public void onFinal(ClientTransaction client, SIPResponse response) {
            onBranchFinal(txn, branch, response);
        }

        @Override
        public void onFailure(ClientTransaction client, int status) {
            onBranchFailure(txn, branch, status);
        }
    }

    /** RFC 3261 §16.7 step 3: this proxy's Via comes off; a response with none left was for us and goes no further. */
    private static boolean popOurVia(SIPResponse response) {
        response.removeFirst("Via");
        return response.getTopmostVia() != null;
    }

    private void onBranchProvisional(ProxyTransaction txn, ProxyTransaction.Branch branch, SIPResponse response) {
        if (!popOurVia(response) || response.getStatusCode() == SIPResponse.TRYING) {
            return; // §16.7 step 5: a 100 is never forwarded
        }
        byte[] answer = sdpOf(response);
        if (answer != null || (isMultipart(response) && negotiatesMedia(response.getCSeq().getMethod()))) {
            anchorAnswer(txn, branch, response, answer); // refused: early media goes nowhere, the call may still be answered
        }
        synchronized (txn) {
            if (!txn.finalForwarded) {
                txn.server.respond(response);
                restartTimerC(txn); // §16.7 step 2: a provisional response restarts Timer C
            }
        }
    }

    private void restartTimerC(ProxyTransaction txn) {
        if (txn.timerC != null && !txn.finished) {
            txn.timerC.cancel();
            txn.timerC = clients.timers().schedule(() -> onTimerC(txn), timerC);
        }
    }

    private void onBranchFinal(ProxyTransaction txn, ProxyTransaction.Branch branch, SIPResponse response) {
        boolean forwardable = popOurVia(response);
        int status = response.getStatusCode();
        byte[] answer = sdpOf(response);
        boolean mediaBody = answer != null || (isMultipart(response) && negotiatesMedia(response.getCSeq().getMethod()));
        boolean unanchored = forwardable && mediaBody && status < 300 && anchorAnswer(txn, branch, response, answer);
        synchronized (txn) {
            boolean first = branch.finalStatus == 0;
            branch.finalStatus = status;
            if (status < 300) {
                // the dialog is known before the caller can act on the 2xx (a BYE may follow at once)
                if (txn.initialInvite && first && forwardable && txn.original != null) {
                    dialogs.put(txn.callId, new ConfirmedDialog(txn.original, response, txn.server.flow(), branch.client.target()));
                }
                // §16.7 step 5: every 2xx goes upstream (a retransmitted one too: RFC 6026), and the other branches are cancelled
                if (forwardable) {
                    txn.server.respond(response);
                }
                txn.finalForwarded = true;
                cancelPendingBranches(txn);
            } else {
                if (txn.invite) {
                    media.releaseBranch(txn.callId, branch.id);
                }
                if (forwardable && ProxyTransaction.better(response, txn.best)) {
                    txn.best = response;
                }
                if (status >= 600) {
                    cancelPendingBranches(txn); // §16.7 step 5: a global failure ends the other branches too
                }
            }
            conclude(txn);
        }
        if (unanchored) {
            endCall(txn.callId, "Q.850;cause=88;text=\"media not anchored\""); // 88: incompatible destination
        }
    }

    /** §16.7 step 2 and §16.9: a branch that timed out counts as a 408, one whose connection failed as a 503. */
    private void onBranchFailure(ProxyTransaction txn, ProxyTransaction.Branch branch, int status) {
        synchronized (txn) {
            if (branch.finalStatus != 0) {
                return;
            }
            branch.finalStatus = status;
            if (txn.invite) {
                media.releaseBranch(txn.callId, branch.id);
            }
            if (!txn.finalForwarded && (txn.invite || status != SIPResponse.REQUEST_TIMEOUT)) {
                SIPResponse standIn = SipResponses.create(txn.original, status);
                if (ProxyTransaction.better(standIn, txn.best)) {
                    txn.best = standIn;
                }
            }
            conclude(txn);
        }
    }

    /**
     * §16.7 step 6: once every branch has its final answer, the best one goes upstream; a 503 is
     * sent as 500, since it speaks of the callee's server, not of this proxy. Called with the lock held.
     */
    private void conclude(ProxyTransaction txn) {
        if (txn.forking) {
            return;
        }
        if (!txn.finalForwarded && txn.allBranchesFinal() && txn.best == null && !txn.invite && !txn.branches.isEmpty()) {
            // RFC 4320 §4.1: every branch of a non-INVITE timed out; a 408 upstream would only arrive
            // after the caller's own Timer F, so the transaction ends without an answer
            txn.server.abandon();
            txn.finalForwarded = true;
        }
        if (!txn.finalForwarded && txn.allBranchesFinal()) {
            SIPResponse best = txn.best;
            if (best == null || best.getStatusCode() == SIPResponse.SERVICE_UNAVAILABLE) {
                best = SipResponses.create(txn.original, SIPResponse.SERVER_INTERNAL_ERROR);
            }
            txn.server.respond(best);
            txn.finalForwarded = true;
        }
        if (txn.finalForwarded && txn.allBranchesFinal()) {
            finish(txn);
        }
    }

    private static void cancelPendingBranches(ProxyTransaction txn) {
        for (ProxyTransaction.Branch other : txn.branches) {
            if (other.finalStatus == 0) {
                other.client.cancel(); // INVITEs only; each callee answers with 487
            }
        }
    }

    private void finish(ProxyTransaction txn) {
        if (txn.finished) {
            return;
        }
        txn.finished = true;
        if (txn.timerC != null) {
            txn.timerC.cancel();
        }
        if (txn.mergeKey != null) {
            pendingByDialogKey.remove(txn.mergeKey);
        }
        txn.original = null; // the client transactions still pass 2xx retransmissions through; nothing else is needed
    }

    private void onTimerC(ProxyTransaction txn) {
        synchronized (txn) {
            if (txn.finalForwarded) {
                return;
            }
            log.info("INVITE {} timed out (Timer C); cancelling", txn.callId);
            if (txn.initialInvite) {
                media.releaseCall(txn.callId); // a re-INVITE's Timer C leaves the call's media alone
            }
            cancelPendingBranches(txn);
            txn.server.respond(SipResponses.create(txn.original, SIPResponse.REQUEST_TIMEOUT));
            txn.finalForwarded = true;
            finish(txn);
        }
    }

    // ------------------------------------------------------------------ CANCEL, ACK, in-dialog

    /**
     * RFC 3261 §16.10: the caller cancelled (the transaction layer has answered its CANCEL): every
     * pending branch is cancelled, and their 487s make the answer upstream.
     */
    private void onCallerCancel(ProxyTransaction txn) {
        synchronized (txn) {
            txn.cancelled = true;
            if (!txn.finalForwarded) {
                cancelPendingBranches(txn);
            }
        }
    }

    /** An ACK for a 2xx goes end to end along the route set; the ACK of a non-2xx stopped at the transaction layer. */
    public void onAck(SipFlow flow, SIPRequest ack) {
        if (ack.getRouteHeaders() == null || ack.getRouteHeaders().isEmpty()) {
            return;
        }
        Optional<SipFlow> next = popOurRoutes(flow, ack);
        if (next.isEmpty() || !decrementMaxForwards(null, ack)) {
            return;
        }
        ack.removeHeader("Proxy-Authorization");
        addVia(ack, next.get(), null);
        next.get().send(ack);
    }

    /**
     * Ends a confirmed call from the middle: a BYE down each side's flow, each as if from the
     * other side, with {@code reason} (RFC 3326) so the phones can show why. The media relay
     * calls this when a call's media stopped. False when the call is not (or no longer) up here.
     */
    public boolean endCall(String callId, String reason) {
        ConfirmedDialog dialog = dialogs.asMap().remove(callId);
        if (dialog == null) {
            return false;
        }
        log.info("ending call {}: {}", callId, reason);
        media.releaseCall(callId);
        sendOwnRequest(dialog.byeToCallee(reason), dialog.calleeFlow);
        sendOwnRequest(dialog.byeToCaller(reason), dialog.callerFlow);
        metrics.counter("voxgate.sip.calls.ended.by.switch").increment();
        return true;
    }

    /** A request the proxy itself originates: its Via on top, its own client transaction, the answer absorbed. */
    private void sendOwnRequest(String text, SipFlow flow) {
        if (!(ownRequests.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                instanceof io.voxgate.sip.message.SipParseResult.Parsed parsed)) {
            log.warn("the proxy's own request does not parse: {}", text.lines().findFirst().orElse(""));
            return;
        }
        SIPRequest request = (SIPRequest) parsed.message();
        request.removeFirst("Via");
        addVia(request, flow, null);
        clients.send(request, flow, OWN_REQUEST_ANSWERED);
    }

    private static final ClientTransaction.Listener OWN_REQUEST_ANSWERED = new ClientTransaction.Listener() {
        @Override
        public void onProvisional(ClientTransaction transaction, SIPResponse response) {
        }

        @Override
        public void onFinal(ClientTransaction transaction, SIPResponse response) {
            log.debug("{} answered {}", transaction.target(), response.getStatusCode());
        }

        @Override
        public void onFailure(ClientTransaction transaction, int status) {
            log.debug("{} did not answer the proxy's request ({})", transaction.target(), status);
        }
    };

    private void routeInDialog(ServerTransaction transaction, SIPRequest request) {
        Optional<SipFlow> next = popOurRoutes(transaction.flow(), request);
        if (next.isEmpty()) {
            answer(transaction, request, SIPResponse.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
            return;
        }
        if (!decrementMaxForwards(transaction, request)) {
            return;
        }
        request.removeHeader("Proxy-Authorization"); // credentials for this proxy go no further, in a dialog too
        ConfirmedDialog dialog = dialogs.getIfPresent(request.getCallId().getCallId());
        boolean ofTheCall = dialog == null || dialog.isDialogOf(request);
        if (dialog != null && ofTheCall) {
            dialog.sawRequest(request);
        }
        if ("BYE".equals(request.getMethod()) && ofTheCall) {
            // the BYE of a second, extra 2xx's dialog (§13.2.2.4) leaves the call and its media alone
            media.releaseCall(request.getCallId().getCallId());
            dialogs.invalidate(request.getCallId().getCallId());
        }
        if ("INVITE".equals(request.getMethod())) {
            transaction.respond(SipResponses.create(request, SIPResponse.TRYING)); // §17.2.1, for a re-INVITE too
        }
        ProxyTransaction txn = new ProxyTransaction(transaction, request, null);
        synchronized (txn) {
            if (cancelledBeforeForwarding(txn)) {
                return;
            }
            txn.forking = true;
            if (!addBranch(txn, request, next.get(), null, null)) {
                return;
            }
            startTimers(txn);
        }
    }

    /**
     * Adds this proxy's Via with a fresh RFC 3261 branch toward {@code target}, ending in
     * {@code loopKey} when there is one (§16.6 step 8); returns the branch.
     */
    private String addVia(SIPRequest request, SipFlow target, String loopKey) {
        String branch = MAGIC_COOKIE + HexFormat.of().formatHex(randomBytes()) + (loopKey == null ? "" : "." + loopKey);
        try {
            Via via = new Via();
            via.setTransport(target.transport());
            via.setHost(target.advertisedAddress().getAddress().getHostAddress());
            via.setPort(target.advertisedAddress().getPort());
            via.setBranch(branch);
            request.addFirst(via);
        } catch (ParseException | InvalidArgumentException | SipException e) {
            throw new IllegalStateException("cannot add the proxy's Via", e);
        }
        return branch;
    }

    /**
     * Removes the Route entries that name this proxy and returns the flow toward the other side:
     * of the two Record-Routes this proxy put in, the one that is not the flow the request came on.
     */
    private Optional<SipFlow> popOurRoutes(SipFlow arrivedOn, SIPRequest request) {
        RouteList routes = request.getRouteHeaders();
        if (routes == null) {
            return Optional.empty();
        }
        List<String> flowIds = new ArrayList<>();
        for (ListIterator<?> it = routes.listIterator(); it.hasNext(); ) {
            Route route = (Route) it.next();
            if (route.getAddress().getURI() instanceof SipUri uri && isOurs(uri, arrivedOn)) {
                flowTokens.flowId(uri.getUser()).ifPresent(flowIds::add); // a forged or stale token names nothing
                it.remove();
            } else {
                break; // loose routing: only the top entries can be ours
            }
        }
        if (routes.isEmpty()) {
            request.removeHeader("Route");
        }
        // Of this proxy's two entries, the last one names the flow toward the destination: the caller's
        // route set is the Record-Route reversed, the callee's is it in order (RFC 3261 §12.1).
        // Never back down the connection it came on: that is no route but a reflection.
        return flowIds.isEmpty() || flowIds.getLast().equals(arrivedOn.id()) ? Optional.empty() : flows.find(flowIds.getLast());
    }

    /**
     * RFC 3261 §16.4: a pre-loaded Route naming this proxy (a phone's outbound proxy setting) is
     * removed, so the callee does not see it and nothing routes back here by mistake.
     */
    private static void removeRoutesToThisProxy(SipFlow arrivedOn, SIPRequest request) {
        RouteList routes = request.getRouteHeaders();
        if (routes == null) {
            return;
        }
        for (ListIterator<?> it = routes.listIterator(); it.hasNext(); ) {
            if (((Route) it.next()).getAddress().getURI() instanceof SipUri uri && arrivedOn.isAdvertisedAs(uri.getHost(), uri.getPort())) {
                it.remove();
            } else {
                break;
            }
        }
        if (routes.isEmpty()) {
            request.removeHeader("Route");
        }
    }

    /** One of this proxy's Record-Route entries: names the switch, carries a flow token, loose routing. */
    private static boolean isOurs(SipUri uri, SipFlow flow) {
        return uri.getUser() != null && uri.hasLrParam() && flow.isAdvertisedAs(uri.getHost(), uri.getPort());
    }

    // ------------------------------------------------------------------ helpers

    /** §16.6 step 3; an exhausted request gets 483 ({@code transaction} null: an ACK, which is never answered). */
    private static boolean decrementMaxForwards(ServerTransaction transaction, SIPRequest request) {
        MaxForwards maxForwards = (MaxForwards) request.getMaxForwards();
        if (maxForwards == null) {
            try {
                request.setHeader(new MaxForwards(70));
            } catch (InvalidArgumentException e) {
                throw new IllegalStateException(e);
            }
            return true;
        }
        try {
            maxForwards.decrementMaxForwards();
            return true;
        } catch (TooManyHopsException e) {
            if (transaction != null) {
                answer(transaction, request, SIPResponse.TOO_MANY_HOPS);
            }
            return false;
        }
    }

    private static byte[] sdpOf(gov.nist.javax.sip.message.SIPMessage message) {
        var type = message.getContentTypeHeader();
        byte[] body = message.getRawContent();
        if (type == null || body == null || body.length == 0) {
            return null;
        }
        return "application".equalsIgnoreCase(type.getContentType()) && "sdp".equalsIgnoreCase(type.getContentSubType()) ? body : null;
    }

    /** A multipart body may carry SDP the anchor never sees; it is refused rather than passed around the relay. */
    private static boolean isMultipart(gov.nist.javax.sip.message.SIPMessage message) {
        var type = message.getContentTypeHeader();
        byte[] body = message.getRawContent();
        return type != null && body != null && body.length > 0 && "multipart".equalsIgnoreCase(type.getContentType());
    }

    /** The methods whose bodies offer or answer media (RFC 3261, RFC 3311, RFC 3262). */
    private static boolean negotiatesMedia(String method) {
        return "INVITE".equals(method) || "UPDATE".equals(method) || "PRACK".equals(method);
    }

    private static final MediaAnchor.Result.Refused MULTIPART_REFUSED = new MediaAnchor.Result.Refused(488,
            "multipart bodies are not supported: send the SDP alone, as application/sdp");

    private static void setSdp(gov.nist.javax.sip.message.SIPMessage message, byte[] sdp) {
        message.setMessageContent("application", "sdp", sdp); // also sets Content-Length
    }

    private static SIPResponse withWarning(SIPResponse response, String rule) {
        return withWarning(response, "refused by rule " + rule, 399);
    }

    /** RFC 3261 §20.43: 305 "Incompatible media format", 399 miscellaneous. */
    private static SIPResponse withWarning(SIPResponse response, String text, int code) {
        try {
            gov.nist.javax.sip.header.Warning warning = new gov.nist.javax.sip.header.Warning();
            warning.setCode(code);
            warning.setAgent("voxgate");
            warning.setText(text);
            response.setHeader(warning);
        } catch (ParseException | InvalidArgumentException e) {
            log.warn("cannot add the Warning '{}'", text, e);
        }
        return response;
    }

    private static void answer(ServerTransaction transaction, SIPRequest request, int status) {
        transaction.respond(SipResponses.create(request, status));
    }

    private static SIPResponse reason(SIPResponse response, String reason) {
        response.setReasonPhrase(reason);
        return response;
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return bytes;
    }
}
