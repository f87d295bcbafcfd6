package io.voxgate.sip.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import gov.nist.core.ParserCore;

/**
 * Works around a JAIN-SIP RI 1.3.0-91 defect on the parsing hot path. {@code AddressParametersParser}
 * (From, To, Contact, Route, Record-Route, P-Asserted-Identity) and {@code AuthorizationParser}
 * call {@code ParserCore.dbg_enter}/{@code dbg_leave} even with debugging off, and those keep a
 * static, unsynchronised {@code nesting_level}: parsed on several event loops at once, its
 * increments and decrements race and it random-walks away from zero (about 300 after a few
 * million parses on two threads), and each call then builds a string of that many {@code '>'}
 * that nobody reads: CPU and garbage on every address header, growing with uptime. No RI release
 * fixes it, so the level is started far below zero, where the loop runs no times and a random walk
 * of lost updates would need billions of races to climb back.
 */
final class RiParserNesting {

    private static final Logger log = LoggerFactory.getLogger(RiParserNesting.class);
    static final int FAR_BELOW_ZERO = Integer.MIN_VALUE / 2;
    private static final VarHandle NESTING_LEVEL = nestingLevel();

    private RiParserNesting() {
    }

    /** Moves the RI's nesting level far below zero; harmless while another thread parses. */
    static void defuse() {
        if (NESTING_LEVEL != null) {
            NESTING_LEVEL.setVolatile(FAR_BELOW_ZERO);
        }
    }

    /** The RI's current level (for tests); 0 when the field cannot be reached. */
    static int level() {
        return NESTING_LEVEL == null ? 0 : (int) NESTING_LEVEL.getVolatile();
    }

    static void set(int level) {
        if (NESTING_LEVEL != null) {
            NESTING_LEVEL.setVolatile(level);
        }
    }

    private static VarHandle nestingLevel() {
        try {
            return MethodHandles.privateLookupIn(ParserCore.class, MethodHandles.lookup())
                    .findStaticVarHandle(ParserCore.class, "nesting_level", int.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("JAIN-SIP RI's ParserCore.nesting_level is not reachable ({}); address header parsing gets slower with uptime",
                    e.toString());
            return null;
        }
    }
}
