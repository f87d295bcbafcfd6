package io.voxgate.sip.registrar;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import javax.sip.InvalidArgumentException;
import javax.sip.address.URI;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.address.SipUri;
import gov.nist.javax.sip.header.AuthenticationHeader;
import gov.nist.javax.sip.header.Contact;
import gov.nist.javax.sip.header.ContactList;
import gov.nist.javax.sip.header.MinExpires;
import gov.nist.javax.sip.header.Require;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxgate.sip.message.SipResponses;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.user.SipCredential;
import io.voxgate.sip.auth.DigestAuthenticator;
import io.voxgate.sip.location.AddressOfRecord;
import io.voxgate.sip.location.Binding;
import io.voxgate.sip.location.LocationService;
import io.voxgate.sip.security.DeviceCertificateCheck;
import io.voxgate.sip.security.EdgeGuard;
import io.voxgate.sip.transaction.ServerTransaction;
import io.voxgate.sip.transport.SipFlow;

/**
 * The registrar, RFC 3261 §10.3, with RFC 5626 flows: authenticates REGISTER with digest, then adds,
 * refreshes or removes the contacts of the user's address of record, each bound to the connection
 * it arrived on. Answers are built from cached accounts, so a registered phone's refresh never
 * waits for the database.
 */
public final class Registrar {

    private static final Logger log = LoggerFactory.getLogger(Registrar.class);

    public record Limits(Duration minExpires, Duration maxExpires, Duration defaultExpires, int maxContacts) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(1), 10);
    }

    private final SipAccounts accounts;
    private final DigestAuthenticator authenticator;
    private final LocationService location;
    private final Limits limits;
    private final Clock clock;
    private final AddressFactoryImpl addresses = new AddressFactoryImpl();
    private final Counter registered;
    private final Counter authFailures;
    private final Counter challenges;
    private final EdgeGuard guard;
    private final DeviceOwnership deviceOwnership;

    public Registrar(SipAccounts accounts, DigestAuthenticator authenticator, LocationService location, Limits limits,
                     Clock clock, MeterRegistry metrics, EdgeGuard guard, DeviceCertificateCheck deviceCertificates) {
        this.guard = guard;
        this.deviceOwnership = new DeviceOwnership(accounts, deviceCertificates);
        this.accounts = accounts;
        this.authenticator = authenticator;
        this.location = location;
        this.limits = limits;
        this.clock = clock;
        this.registered = metrics.counter("voxgate.sip.registrations", "result", "ok");
        this.authFailures = metrics.counter("voxgate.sip.auth.failures", "method", "REGISTER");
        this.challenges = metrics.counter("voxgate.sip.auth.challenges", "method", "REGISTER");
        metrics.gauge("voxgate.sip.registered.contacts", location, LocationService::contactCount);
    }

    /** Handles one REGISTER; the answer goes out through its transaction when it is ready. */
    public void onRegister(ServerTransaction transaction) {
        SIPRequest request = transaction.request();
        answer(transaction.flow(), request).whenComplete((response, failure) -> {
            if (failure != null) {
                log.error("{}: REGISTER failed", transaction.flow(), failure);
                response = SipResponses.create(request, SIPResponse.SERVER_INTERNAL_ERROR);
            }
            transaction.respond(response);
        });
    }

    CompletableFuture<SIPResponse> answer(SipFlow flow, SIPRequest request) {
        if (!(request.getRequestURI() instanceof SipUri requestUri) || !(request.getTo().getAddress().getURI() instanceof SipUri to)) {
            return done(withReason(SipResponses.create(request, SIPResponse.UNSUPPORTED_URI_SCHEME), "sip: or sips: URIs only"));
        }
        String domain = requestUri.getHost();
        return accounts.tenantForDomain(domain).thenCompose(tenant -> {
            List<AuthenticationHeader> answers = DigestAuthenticator.answersFor(request, "Authorization", domain);
            if (answers.isEmpty()) {
                challenges.increment();
                return done(authenticator.challenge(request, domain, false, false));
            }
            // An unknown domain is answered like a known one with a wrong password: nothing to enumerate.
            CompletableFuture<Optional<SipCredential>> credential = tenant.isPresent()
                    ? accounts.credential(tenant.get(), answers.getFirst().getUsername())
                    : CompletableFuture.completedFuture(Optional.empty());
            return credential.thenCompose(found -> authenticated(flow, request, tenant, to, answers, found));
        });
    }

    private CompletableFuture<SIPResponse> authenticated(SipFlow flow, SIPRequest request, Optional<Tenant> tenant, SipUri to,
                                                         List<AuthenticationHeader> answers, Optional<SipCredential> credential) {
        String realm = ((SipUri) request.getRequestURI()).getHost();
        AuthenticationHeader header = answers.getFirst();
        DigestAuthenticator.Outcome outcome = authenticator.verify(request, answers, realm, credential.map(SipCredential::hashes));
        return switch (outcome) {
            case DigestAuthenticator.Outcome.Challenge challenge -> {
                challenges.increment();
                yield done(authenticator.challenge(request, realm, challenge.stale(), false));
            }
            case DigestAuthenticator.Outcome.Rejected rejected -> {
                authFailures.increment();
                for (int attempt = 0; attempt < answers.size(); attempt++) { // every guess the request carried counts
                    guard.authenticationFailed(flow.remoteAddress().getAddress(), header.getUsername() + "@" + realm);
                }
                log.info("REGISTER for {}@{} from {} refused: {}", header.getUsername(), realm, flow.remoteAddress(), rejected.reason());
                yield done(SipResponses.create(request, SIPResponse.FORBIDDEN));
            }
            case DigestAuthenticator.Outcome.Authenticated user -> {
                if (!user.username().equals(to.getUser())) {
                    yield done(withReason(SipResponses.create(request, SIPResponse.FORBIDDEN), "May not register another user"));
                }
                Tenant known = tenant.orElseThrow();
                yield deviceOwnership.problem(flow, known, user.username()).thenApply(problem -> problem
                        .map(p -> {
                            log.info("REGISTER for {}@{} from {} refused: {}", user.username(), realm, flow.remoteAddress(), p);
                            return withReason(SipResponses.create(request, SIPResponse.FORBIDDEN), "Device certificate not accepted");
                        })
                        .orElseGet(() -> register(flow, request, new AddressOfRecord(known.slug(), user.username()))));
            }
        };
    }

    private SIPResponse register(SipFlow flow, SIPRequest request, AddressOfRecord aor) {
        ContactList contacts = request.getContactHeaders();
        int defaultExpires = request.getExpires() != null ? request.getExpires().getExpires() : (int) limits.defaultExpires().toSeconds();
        boolean removeAll = false;
        List<Binding> additions = new ArrayList<>();
        List<Binding> removals = new ArrayList<>();
        Instant now = clock.instant();
        String callId = request.getCallId().getCallId();
        long cseq = request.getCSeq().getSeqNumber();
        String userAgent = request.getHeader("User-Agent") instanceof SIPHeader ua ? ua.getHeaderValue() : null;
        if (contacts != null) {
            for (ListIterator<?> it = contacts.listIterator(); it.hasNext(); ) {
                Contact contact = (Contact) it.next();
                if (contact.isWildCard()) {
                    // RFC 3261 §10.3 step 6: "*" only alone, and only with Expires: 0
                    if (contacts.size() != 1 || defaultExpires != 0) {
                        return withReason(SipResponses.create(request, SIPResponse.BAD_REQUEST), "Contact * needs Expires: 0 and no other contact");
                    }
                    removeAll = true;
                    continue;
                }
                int expires = contact.getExpires() >= 0 ? contact.getExpires() : defaultExpires;
                if (expires > 0 && expires < limits.minExpires().toSeconds()) {
                    return intervalTooBrief(request);
                }
                String instance = contact.getParameter("+sip.instance");
                int regId = parseRegId(contact.getParameter("reg-id"));
                long granted = Math.min(expires, limits.maxExpires().toSeconds());
                Binding binding = new Binding(aor, contact.getAddress().getURI().toString(), instance, regId, flow.id(),
                        callId, cseq, now.plusSeconds(granted), userAgent, flow.remoteAddress().toString());
                (expires == 0 ? removals : additions).add(binding);
            }
        }
        if (additions.size() + location.lookup(aor).size() > limits.maxContacts() + removals.size() && !removeAll) {
            return withReason(SipResponses.create(request, SIPResponse.FORBIDDEN), "Too many contacts (at most " + limits.maxContacts() + ")");
        }
        LocationService.Update update = location.apply(aor, removeAll, additions, removals, callId, cseq);
        if (update instanceof LocationService.Update.OutOfOrder) {
            return withReason(SipResponses.create(request, SIPResponse.SERVER_INTERNAL_ERROR), "Out of order REGISTER");
        }
        registered.increment();
        return okWithBindings(request, ((LocationService.Update.Applied) update).current(), now);
    }

    private SIPResponse okWithBindings(SIPRequest request, List<Binding> current, Instant now) {
        SIPResponse ok = SipResponses.create(request, SIPResponse.OK);
        boolean outbound = false;
        for (Binding binding : current) {
            try {
                URI uri = addresses.createURI(binding.contact());
                Contact contact = new Contact();
                contact.setAddress(addresses.createAddress(uri));
                contact.setExpires((int) Math.max(0, binding.expiresAt().getEpochSecond() - now.getEpochSecond()));
                if (binding.instanceId() != null) {
                    contact.setParameter("+sip.instance", binding.instanceId());
                }
                if (binding.regId() > 0) {
                    contact.setParameter("reg-id", Integer.toString(binding.regId()));
                    outbound = true;
                }
                ok.addHeader(contact);
            } catch (ParseException e) {
                log.warn("cannot echo binding {} in a 200 OK", binding.contact(), e);
            }
        }
        if (outbound) {
            try {
                Require require = new Require();
                require.setOptionTag("outbound");
                ok.addHeader(require); // RFC 5626 §6: the registrar confirms it keeps the flow
            } catch (ParseException e) {
                log.warn("cannot add Require: outbound", e);
            }
        }
        return ok;
    }

    private SIPResponse intervalTooBrief(SIPRequest request) {
        SIPResponse response = SipResponses.create(request, SIPResponse.INTERVAL_TOO_BRIEF);
        MinExpires min = new MinExpires();
        try {
            min.setExpires((int) limits.minExpires().toSeconds());
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        response.setHeader(min);
        return response;
    }

    private static int parseRegId(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static SIPResponse withReason(SIPResponse response, String reason) {
        response.setReasonPhrase(reason);
        return response;
    }

    private static CompletableFuture<SIPResponse> done(SIPResponse response) {
        return CompletableFuture.completedFuture(response);
    }
}
