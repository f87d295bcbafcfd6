package io.voxgate.sip.message;

import java.util.Properties;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.CommonLogger;
import gov.nist.core.StackLogger;

/**
 * Routes JAIN-SIP RI's logging to SLF4J. Without it the RI reaches for log4j 1.x, which is not on
 * our classpath (and parsing a bare CRLF then throws NoClassDefFoundError). Installed once,
 * before the first parse.
 */
final class RiLogBridge implements StackLogger {

    private static final Logger log = LoggerFactory.getLogger("jain-sip-ri");
    private static volatile boolean installed;

    static void install() {
        if (!installed) {
            synchronized (RiLogBridge.class) {
                if (!installed) {
                    CommonLogger.useLegacyLogger = true;
                    CommonLogger.legacyLogger = new RiLogBridge();
                    installed = true;
                }
            }
        }
    }

    @Override public void logStackTrace() { }
    @Override public void logStackTrace(int level) { }
    @Override public int getLineCount() { return 0; }
    @Override public void logException(Throwable t) { log.debug("RI exception", t); }
    @Override public void logDebug(String message) { log.debug(message); }
    @Override public void logDebug(String message, Exception e) { log.debug(message, e); }
    @Override public void logTrace(String message) { log.trace(message); }
    @Override public void logFatalError(String message) { log.error(message); }
    @Override public void logError(String message) { log.error(message); }
    @Override public boolean isLoggingEnabled() { return log.isDebugEnabled(); }
    @Override public boolean isLoggingEnabled(int level) { return level <= TRACE_ERROR || log.isDebugEnabled(); }
    @Override public void logError(String message, Exception e) { log.error(message, e); }
    @Override public void logWarning(String message) { log.warn(message); }
    @Override public void logInfo(String message) { log.debug(message); }
    @Override public void disableLogging() { }
    @Override public void enableLogging() { }
    @Override public void setBuildTimeStamp(String buildTimeStamp) { }
    @Override public void setStackProperties(Properties properties) { }
    @Override public String getLoggerName() { return "jain-sip-ri"; }
}
