package io.voxgate.sip.message;

import java.util.Properties;

import gov.nist.core.LogLevels;
import gov.nist.core.StackLogger;
import io.voxgate.sip.ua.RiMessageTrace;

/**
 * Main's {@link RiLogBridge} as a JAIN-SIP RI stack's {@code gov.nist.javax.sip.STACK_LOGGER}, for
 * test phones on the RI stack: the RI makes that logger by reflection, so it must be a public class
 * with a public no-argument constructor, which the bridge is not. Everything goes to the bridge (so
 * to SLF4J, never log4j 1.x), except the RI's question whether to trace messages, which
 * {@link RiMessageTrace}'s logger answers too.
 */
public final class RiStackLogBridge implements StackLogger {

    private final RiLogBridge bridge = new RiLogBridge();

    @Override
    public boolean isLoggingEnabled(int level) {
        return bridge.isLoggingEnabled(level) || (level == LogLevels.TRACE_MESSAGES && RiMessageTrace.isOn());
    }

    @Override public boolean isLoggingEnabled() { return bridge.isLoggingEnabled(); }
    @Override public void logStackTrace() { bridge.logStackTrace(); }
    @Override public void logStackTrace(int level) { bridge.logStackTrace(level); }
    @Override public int getLineCount() { return bridge.getLineCount(); }
    @Override public void logException(Throwable t) { bridge.logException(t); }
    @Override public void logDebug(String message) { bridge.logDebug(message); }
    @Override public void logDebug(String message, Exception e) { bridge.logDebug(message, e); }
    @Override public void logTrace(String message) { bridge.logTrace(message); }
    @Override public void logFatalError(String message) { bridge.logFatalError(message); }
    @Override public void logError(String message) { bridge.logError(message); }
    @Override public void logError(String message, Exception e) { bridge.logError(message, e); }
    @Override public void logWarning(String message) { bridge.logWarning(message); }
    @Override public void logInfo(String message) { bridge.logInfo(message); }
    @Override public void disableLogging() { bridge.disableLogging(); }
    @Override public void enableLogging() { bridge.enableLogging(); }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { bridge.setBuildTimeStamp(buildTimeStamp); }
    @Override public void setStackProperties(Properties properties) { bridge.setStackProperties(properties); }
    @Override public String getLoggerName() { return bridge.getLoggerName(); }
}
