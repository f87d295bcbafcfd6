package io.voxgate.sip.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class RiParserNestingTest {

    private static final byte[] REGISTER = ("REGISTER sip:pbx.acme.example SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKnest\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:1001@pbx.acme.example>;tag=a\r\n"
            + "To: <sip:1001@pbx.acme.example>\r\n"
            + "Call-ID: nesting\r\n"
            + "CSeq: 1 REGISTER\r\n"
            + "Contact: <sip:1001@127.0.0.1:5061;transport=tls>\r\n"
            + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private final SipMessageParser parser = new SipMessageParser();

    @Test
    void parsingOnSeveralThreadsLeavesTheRiNestingLevelBelowZero() throws Exception {
        Runnable parse = () -> {
            for (int i = 0; i < 50_000; i++) {
                assertThat(parser.parse(REGISTER)).isInstanceOf(SipParseResult.Parsed.class);
            }
        };
        Thread a = Thread.ofPlatform().start(parse);
        Thread b = Thread.ofPlatform().start(parse);
        a.join();
        b.join();

        assertThat(RiParserNesting.level()).isNegative();
    }

    @Test
    void aDriftedNestingLevelNoLongerCostsEveryParse() {
        RiParserNesting.set(100_000); // where lost updates can take it on a long-running switch
        long drifted = bytesAllocatedByOneParse();
        RiParserNesting.defuse();
        long defused = bytesAllocatedByOneParse();

        assertThat(drifted).isGreaterThan(200_000); // three address headers, 100 000 '>' each
        assertThat(defused).isLessThan(64 * 1024);
    }

    private long bytesAllocatedByOneParse() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        parser.parse(REGISTER);
        return threads.getCurrentThreadAllocatedBytes() - before;
    }
}
