package io.voxgate.sip.ua;

import java.util.Properties;

import javax.sip.SipStack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;

/**
 * Every SIP message a test phone's RI stack sends or receives, through SLF4J at debug
 * ({@code gov.nist.javax.sip.SERVER_LOGGER}; the RI's own writes files through log4j 1.x). The
 * exchange a failing test needs: set logger {@code jain-sip-ri.messages} to DEBUG in logback-test.xml.
 */
public final class RiMessageTrace implements ServerLogger {

    private static final Logger log = LoggerFactory.getLogger("jain-sip-ri.messages");

    /** Whether the trace is on: the RI hands a message over only if its stack logger says so. */
    public static boolean isOn() {
        return log.isDebugEnabled();
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        if (log.isDebugEnabled()) {
            log.debug("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message.encode());
        }
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        logMessage(message, from, to, sender, time);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        logMessage(message, from, to, sender, System.currentTimeMillis());
    }

    @Override public void logException(Exception e) { log.debug("RI exception", e); }
    @Override public void closeLogFile() { }
    @Override public void setStackProperties(Properties properties) { }
    @Override public void setSipStack(SipStack stack) { }
}
