package io.voxgate.sip;

import java.io.IOException;

import io.voxgate.sip.TestSipClient.Response;

/** A test phone: a TLS connection plus the few SIP moves a call needs, written out as text. */
public final class TestPhone implements AutoCloseable {

    public final TestSipClient sip;
    public final String user;
    public final String domain;
    private final String password;
    private int cseq = 1;

    public TestPhone(TestSipClient sip, String user, String domain, String password) {
        this.sip = sip;
        this.user = user;
        this.domain = domain;
        this.password = password;
    }

    public String contact() {
        return sip.localContact(user);
    }

    public Response register() throws IOException {
        return register(contact());
    }

    /** Registers {@code contactValue} (a Contact header value, parameters included) for 600 s. */
    public Response register(String contactValue) throws IOException {
        String contact = "Contact: " + contactValue + "\r\nExpires: 600\r\n";
        Response challenge = sip.send(sip.register(user, domain, contact));
        return sip.send(sip.register(user, domain, TestSipClient.authorization(challenge.all("WWW-Authenticate").getLast(),
                "REGISTER", "sip:" + domain, user, password, 1) + contact));
    }

    /** An INVITE (or other initial request) to {@code target}, without credentials. */
    public String request(String method, String target, String callId, String branch, String extraHeaders) {
        return request(method, target, callId, branch, extraHeaders, "");
    }

    /** The same with an SDP body (empty for none). */
    public String request(String method, String target, String callId, String branch, String extraHeaders, String sdp) {
        return request(method, target, callId, branch, extraHeaders, sdp, "application/sdp");
    }

    /** A request whose body is of {@code contentType} (application/sdp, multipart/mixed;boundary=...). */
    public String request(String method, String target, String callId, String branch, String extraHeaders, String sdp,
                          String contentType) {
        return method + " sip:" + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + sip.localPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=from-" + user + "\r\n"
                + "To: <sip:" + target + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + (cseq++) + " " + method + "\r\n"
                + "Contact: " + contact() + "\r\n"
                + extraHeaders
                + (sdp.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + sdp.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + sdp;
    }

    /** Sends an INVITE, answers the 407, and returns what follows the authenticated INVITE (normally 100 Trying). */
    public Response authenticatedInvite(String target, String callId, String branch, String extraHeaders) throws IOException {
        return authenticatedInvite(target, callId, branch, extraHeaders, "");
    }

    public Response authenticatedInvite(String target, String callId, String branch, String extraHeaders, String sdp) throws IOException {
        return authenticatedInvite(target, callId, branch, extraHeaders, sdp, "application/sdp");
    }

    public Response authenticatedInvite(String target, String callId, String branch, String extraHeaders, String sdp, String contentType)
            throws IOException {
        Response challenge = sip.send(request("INVITE", target, callId, branch + "-1", extraHeaders, sdp, contentType));
        if (challenge.status() != 407) {
            return challenge;
        }
        String authorization = TestSipClient.authorization(challenge.all("Proxy-Authenticate").getLast(), "INVITE", "sip:" + target,
                user, password, 1).replace("Authorization:", "Proxy-Authorization:");
        return sip.send(request("INVITE", target, callId, branch, authorization + extraHeaders, sdp, contentType));
    }

    /** Registers {@code callee}, calls it (answering the 407) and returns the INVITE as the callee received it. */
    public Response callReaching(TestPhone callee, String callId, String branch) throws IOException {
        callee.register();
        authenticatedInvite(callee.user + "@" + callee.domain, callId, branch, "");
        return callee.sip.readResponse();
    }

    /** The same, and the callee rings: its 180 has reached this phone. */
    public Response callRinging(TestPhone callee, String callId, String branch) throws IOException {
        Response invite = callReaching(callee, callId, branch);
        callee.sip.sendRaw(answer(invite, 180, "Ringing", callee.contact()));
        Response ringing = sip.readResponse();
        if (ringing.status() != 180) {
            throw new IOException("the caller got " + ringing.status() + " where the callee's 180 was due");
        }
        return invite;
    }

    /** The final answer to an authenticated INVITE: 100 Trying (sent once the caller is authenticated) skipped. */
    public Response authenticatedInviteFinal(String target, String callId, String branch, String extraHeaders) throws IOException {
        return skipTrying(authenticatedInvite(target, callId, branch, extraHeaders));
    }

    /** {@code first}, or the next response when it is a 100 Trying. */
    public Response skipTrying(Response first) throws IOException {
        Response response = first;
        while (response.status() == 100) {
            response = sip.readResponse();
        }
        return response;
    }

    /** The CANCEL of the INVITE sent on {@code branch} (§9.1: its Request-URI, Call-ID, From, To, CSeq number and Via). */
    public String cancel(String target, String callId, String branch, Response inviteOrItsResponse) {
        return "CANCEL sip:" + target + " SIP/2.0\r\n"
                + "Via: SIP/2.0/TLS 127.0.0.1:" + sip.localPort() + ";branch=" + branch + ";rport\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:" + user + "@" + domain + ">;tag=from-" + user + "\r\n"
                + "To: <sip:" + target + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + inviteOrItsResponse.header("CSeq").replace("INVITE", "CANCEL") + "\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** A response to a received request: Via, From, To, Call-ID, CSeq and Record-Route copied, To tagged. */
    public static String answer(Response request, int status, String reason, String contact) {
        return answer(request, status, reason, contact, "");
    }

    public static String answer(Response request, int status, String reason, String contact, String sdp) {
        String to = request.header("To");
        if (!to.contains("tag=")) {
            to = to + ";tag=to-" + status;
        }
        return "SIP/2.0 " + status + " " + reason + "\r\n"
                + request.copy("Via")
                + request.copy("Record-Route")
                + "From: " + request.header("From") + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + request.header("Call-ID") + "\r\n"
                + "CSeq: " + request.header("CSeq") + "\r\n"
                + (contact == null ? "" : "Contact: " + contact + "\r\n")
                + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
                + "Content-Length: " + sdp.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + sdp;
    }

    @Override
    public void close() throws IOException {
        sip.close();
    }
}
