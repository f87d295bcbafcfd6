package io.voxgate.sip.ua;

import java.util.Properties;

import javax.sip.SipStack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.LogLevels;
import gov.nist.core.ServerLogger;
import gov.nist.core.StackLogger;
import gov.nist.javax.sip.message.SIPMessage;

/**
 * JAIN-SIP RI stack logging through SLF4J, named by the stack properties
 * {@code gov.nist.javax.sip.STACK_LOGGER} and {@code SERVER_LOGGER}: without them the RI reaches
 * for log4j 1.x, which is not on the classpath. The RI instantiates both by reflection, so they are
 * public with no-argument constructors (main's {@code RiLogBridge} is package-private, hence these).
 * The RI is chatty at info; like {@code RiLogBridge}, its info and the message trace go to debug.
 */
public final class RiSlf4jLogging {

    private RiSlf4jLogging() {
    }

    /** The stack's own diagnostics. Also becomes the RI's JVM-wide logger ({@code CommonLogger.legacyLogger}). */
    public static final class Stack implements StackLogger {
        private static final Logger log = LoggerFactory.getLogger("jain-sip-ri.stack");

        @Override public void logStackTrace() { }
        @Override public void logStackTrace(int level) { }
        @Override public int getLineCount() { return 0; }
        @Override public void logException(Throwable t) { log.debug("RI exception", t); }
        @Override public void logDebug(String message) { log.debug(message); }
        @Override public void logDebug(String message, Exception e) { log.debug(message, e); }
        @Override public void logTrace(String message) { log.trace(message); }
        @Override public void logFatalError(String message) { log.error(message); }
        @Override public void logError(String message) { log.error(message); }
        @Override public void logError(String message, Exception e) { log.error(message, e); }
        @Override public void logWarning(String message) { log.warn(message); }
        @Override public void logInfo(String message) { log.debug(message); }
        @Override public boolean isLoggingEnabled() { return log.isDebugEnabled(); }

        /** The RI asks this before it hands a message to {@link Messages} (at TRACE_MESSAGES, its info level). */
        @Override
        public boolean isLoggingEnabled(int level) {
            return switch (level) {
                case LogLevels.TRACE_TRACE -> log.isTraceEnabled();
                case LogLevels.TRACE_MESSAGES -> log.isDebugEnabled() || Messages.log.isDebugEnabled();
                default -> level <= LogLevels.TRACE_WARN || log.isDebugEnabled();
            };
        }

        @Override public void disableLogging() { }
        @Override public void enableLogging() { }
        @Override public void setBuildTimeStamp(String buildTimeStamp) { }
        @Override public void setStackProperties(Properties properties) { }
        @Override public String getLoggerName() { return log.getName(); }
    }

    /** Every SIP message the stack sends or receives, at debug: the exchange a failing test needs. */
    public static final class Messages implements ServerLogger {
        private static final Logger log = LoggerFactory.getLogger("jain-sip-ri.messages");

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
}
