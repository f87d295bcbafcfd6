package io.voxgate.config.calling;

import java.util.List;

/**
 * Who may dial what, for a tenant, a role or a user ({@code appliesTo}: {@code tenant},
 * {@code role:<role>}, {@code user:<extension>}). Countries are ISO 3166 alpha-2 codes, prefixes
 * E.164 digits. Emergency numbers are always allowed, whatever this says.
 */
public record DialPlan(String appliesTo, boolean national, boolean mobile, boolean tollFree, boolean international, boolean premium,
                       boolean highRisk, List<String> allowedCountries, List<String> blockedCountries, List<String> allowedPrefixes,
                       List<String> blockedPrefixes) {

    /** The defaults of a scope nobody configured: international, premium and high-risk blocked. */
    public static DialPlan defaults(String appliesTo) {
        return new DialPlan(appliesTo, true, true, true, false, false, false, List.of(), List.of(), List.of(), List.of());
    }

    public DialPlan {
        allowedCountries = List.copyOf(allowedCountries);
        blockedCountries = List.copyOf(blockedCountries);
        allowedPrefixes = List.copyOf(allowedPrefixes);
        blockedPrefixes = List.copyOf(blockedPrefixes);
    }
}
