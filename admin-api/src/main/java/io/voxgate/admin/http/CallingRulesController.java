package io.voxgate.admin.http;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.admin.rbac.Role;
import io.voxgate.config.calling.CallingRules;
import io.voxgate.config.calling.DialPlan;
import io.voxgate.config.calling.FraudLimits;
import io.voxgate.config.tenant.Tenant;
import io.voxgate.config.user.UserDirectory;

/**
 * {@code /api/v1/tenants/{slug}/dial-plans/{appliesTo}} and {@code .../fraud-limits/{appliesTo}}:
 * who may dial what and what it may cost, for the tenant ({@code tenant}), a role
 * ({@code role:user-admin}) or a user ({@code user:1001}). A scope nobody configured answers the
 * safe defaults. Enforcement in the call path is the next issue's; the change feed carries every
 * write to running switches.
 */
@Controller("/api/v1/tenants/{slug}")
@ExecuteOn(TaskExecutors.BLOCKING)
public class CallingRulesController {

    private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

    @Serdeable
    public record DialPlanBody(@Nullable Boolean national, @Nullable Boolean mobile, @Nullable Boolean tollFree,
                               @Nullable Boolean international, @Nullable Boolean premium, @Nullable Boolean highRisk,
                               @Nullable List<String> allowedCountries, @Nullable List<String> blockedCountries,
                               @Nullable List<String> allowedPrefixes, @Nullable List<String> blockedPrefixes) {
    }

    @Serdeable
    public record FraudLimitsBody(@Nullable Integer concurrentCalls, @Nullable Integer internationalCallsPerHour,
                                  @Nullable Integer internationalCallsPerDay, @Nullable Integer internationalMinutesPerHour,
                                  @Nullable Integer internationalMinutesPerDay, @Nullable Long dailySpendCapCents, @Nullable String currency,
                                  @Nullable String allowedFrom, @Nullable String allowedUntil, @Nullable List<String> allowedDays) {
    }

    private final CallingRules rules;
    private final UserDirectory users;
    private final TenantScope scope;
    private final AccessAudit access;

    public CallingRulesController(CallingRules rules, UserDirectory users, TenantScope scope, AccessAudit access) {
        this.rules = rules;
        this.users = users;
        this.scope = scope;
        this.access = access;
    }

    @Get("/dial-plans/{appliesTo}")
    @RequiresPermission(Permission.DIAL_PLANS_READ)
    public MutableHttpResponse<?> dialPlan(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        Optional<DialPlan> plan = rules.dialPlan(tenant.get(), appliesTo);
        Map<String, Object> current = view(plan.orElse(DialPlan.defaults(appliesTo)), plan.isPresent());
        return HttpResponse.ok(current).header("ETag", ETags.of(current));
    }

    @Put("/dial-plans/{appliesTo}")
    @RequiresPermission(Permission.DIAL_PLANS_WRITE)
    public MutableHttpResponse<?> putDialPlan(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo,
                                              @Body DialPlanBody body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PUT " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        for (var field : List.of(Map.entry("allowedCountries", orEmpty(body.allowedCountries())),
                Map.entry("blockedCountries", orEmpty(body.blockedCountries())))) {
            for (String country : field.getValue()) {
                if (!COUNTRIES.contains(country)) {
                    return Problems.invalid(field.getKey(), "'" + country + "' is no ISO 3166 alpha-2 country code (e.g. DE, GB, US)");
                }
            }
        }
        for (var field : List.of(Map.entry("allowedPrefixes", orEmpty(body.allowedPrefixes())),
                Map.entry("blockedPrefixes", orEmpty(body.blockedPrefixes())))) {
            for (String prefix : field.getValue()) {
                if (!prefix.matches("\\+?[0-9]{1,15}")) {
                    return Problems.invalid(field.getKey(), "'" + prefix + "' is no E.164 prefix (digits, an optional leading +)");
                }
            }
        }
        DialPlan defaults = DialPlan.defaults(appliesTo);
        DialPlan plan = new DialPlan(appliesTo, or(body.national(), defaults.national()), or(body.mobile(), defaults.mobile()),
                or(body.tollFree(), defaults.tollFree()), or(body.international(), defaults.international()),
                or(body.premium(), defaults.premium()), or(body.highRisk(), defaults.highRisk()), orEmpty(body.allowedCountries()),
                orEmpty(body.blockedCountries()), digits(body.allowedPrefixes()), digits(body.blockedPrefixes()));
        CallingRules.Write<DialPlan> write = rules.putDialPlan(tenant.get(), plan, stored ->
                ETags.matchesIfMatch(request, view(stored.orElse(DialPlan.defaults(appliesTo)), stored.isPresent())));
        if (!write.written()) {
            return ETags.changedMeanwhile();
        }
        access.changed(principal, tenant.get(), "dial-plan.put", appliesTo, Map.of("before", String.valueOf(write.before().orElse(null)),
                "after", plan.toString()));
        Map<String, Object> after = view(plan, true);
        return HttpResponse.ok(after).header("ETag", ETags.of(after));
    }

    /** Removes a dial plan: a role's or user's then follows the tenant's, the tenant's the safe defaults. */
    @Delete("/dial-plans/{appliesTo}")
    @RequiresPermission(Permission.DIAL_PLANS_WRITE)
    public MutableHttpResponse<?> deleteDialPlan(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        Optional<DialPlan> before = rules.dialPlan(tenant.get(), appliesTo);
        if (before.isEmpty() || !rules.deleteDialPlan(tenant.get(), appliesTo)) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no dial plan set for " + appliesTo, null);
        }
        access.changed(principal, tenant.get(), "dial-plan.delete", appliesTo, Map.of("before", String.valueOf(before.get())));
        return HttpResponse.noContent();
    }

    @Get("/fraud-limits/{appliesTo}")
    @RequiresPermission(Permission.FRAUD_LIMITS_READ)
    public MutableHttpResponse<?> fraudLimits(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        Optional<FraudLimits> limits = rules.fraudLimits(tenant.get(), appliesTo);
        Map<String, Object> current = view(limits.orElse(FraudLimits.none(appliesTo)), limits.isPresent());
        return HttpResponse.ok(current).header("ETag", ETags.of(current));
    }

    @Put("/fraud-limits/{appliesTo}")
    @RequiresPermission(Permission.FRAUD_LIMITS_WRITE)
    public MutableHttpResponse<?> putFraudLimits(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo,
                                                 @Body FraudLimitsBody body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PUT " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        for (var field : List.of(Map.entry("concurrentCalls", nz(body.concurrentCalls())),
                Map.entry("internationalCallsPerHour", nz(body.internationalCallsPerHour())),
                Map.entry("internationalCallsPerDay", nz(body.internationalCallsPerDay())),
                Map.entry("internationalMinutesPerHour", nz(body.internationalMinutesPerHour())),
                Map.entry("internationalMinutesPerDay", nz(body.internationalMinutesPerDay())))) {
            if (field.getValue() < 0) {
                return Problems.invalid(field.getKey(), "a limit is 0 or more");
            }
        }
        if (body.dailySpendCapCents() != null && (body.dailySpendCapCents() < 0 || body.currency() == null
                || !body.currency().matches("[A-Z]{3}"))) {
            return Problems.invalid(body.dailySpendCapCents() < 0 ? "dailySpendCapCents" : "currency",
                    "a spend cap is 0 or more cents, in an ISO 4217 currency such as EUR");
        }
        if ((body.allowedFrom() == null) != (body.allowedUntil() == null)) {
            return Problems.invalid(body.allowedFrom() == null ? "allowedFrom" : "allowedUntil", "give both allowedFrom and allowedUntil, or neither");
        }
        LocalTime from;
        LocalTime until;
        try {
            from = body.allowedFrom() == null ? null : LocalTime.parse(body.allowedFrom());
        } catch (DateTimeParseException e) {
            return Problems.invalid("allowedFrom", "a time such as 08:00");
        }
        try {
            until = body.allowedUntil() == null ? null : LocalTime.parse(body.allowedUntil());
        } catch (DateTimeParseException e) {
            return Problems.invalid("allowedUntil", "a time such as 18:00");
        }
        List<String> days = body.allowedDays() == null ? FraudLimits.ALL_DAYS : body.allowedDays();
        if (!FraudLimits.ALL_DAYS.containsAll(days)) {
            return Problems.invalid("allowedDays", "days among " + FraudLimits.ALL_DAYS);
        }
        FraudLimits limits = new FraudLimits(appliesTo, body.concurrentCalls(), body.internationalCallsPerHour(),
                body.internationalCallsPerDay(), body.internationalMinutesPerHour(), body.internationalMinutesPerDay(),
                body.dailySpendCapCents(), body.currency(), from, until, days);
        CallingRules.Write<FraudLimits> write = rules.putFraudLimits(tenant.get(), limits, stored ->
                ETags.matchesIfMatch(request, view(stored.orElse(FraudLimits.none(appliesTo)), stored.isPresent())));
        if (!write.written()) {
            return ETags.changedMeanwhile();
        }
        access.changed(principal, tenant.get(), "fraud-limits.put", appliesTo, Map.of("before", String.valueOf(write.before().orElse(null)),
                "after", limits.toString()));
        Map<String, Object> after = view(limits, true);
        return HttpResponse.ok(after).header("ETag", ETags.of(after));
    }

    /** {@code tenant}, {@code role:<a built-in role>} or {@code user:<an extension of the tenant>}. */
    private boolean knownScope(Tenant tenant, String appliesTo) {
        if ("tenant".equals(appliesTo)) {
            return true;
        }
        if (appliesTo.startsWith("role:")) {
            return Role.fromId(appliesTo.substring(5)).filter(r -> r != Role.PLATFORM_OPERATOR).isPresent();
        }
        return appliesTo.startsWith("user:") && appliesTo.substring(5).matches("[0-9]{2,10}")
                && users.find(tenant, appliesTo.substring(5)).isPresent();
    }

    /** Removes fraud limits: a role's or user's then follow the tenant's, the tenant's are none. */
    @Delete("/fraud-limits/{appliesTo}")
    @RequiresPermission(Permission.FRAUD_LIMITS_WRITE)
    public MutableHttpResponse<?> deleteFraudLimits(HttpRequest<?> request, @PathVariable String slug, @PathVariable String appliesTo) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        if (tenant.isEmpty() || !knownScope(tenant.get(), appliesTo)) {
            return notFound(slug);
        }
        Optional<FraudLimits> before = rules.fraudLimits(tenant.get(), appliesTo);
        if (before.isEmpty() || !rules.deleteFraudLimits(tenant.get(), appliesTo)) {
            return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no fraud limits set for " + appliesTo, null);
        }
        access.changed(principal, tenant.get(), "fraud-limits.delete", appliesTo, Map.of("before", String.valueOf(before.get())));
        return HttpResponse.noContent();
    }

    private static List<String> orEmpty(List<String> values) {
        return values == null ? List.of() : values;
    }

    private static List<String> digits(List<String> prefixes) {
        return orEmpty(prefixes).stream().map(p -> p.startsWith("+") ? p.substring(1) : p).toList();
    }

    private static boolean or(Boolean value, boolean fallback) {
        return value == null ? fallback : value;
    }

    private static int nz(Integer value) {
        return value == null ? 0 : value;
    }


    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found",
                "no such scope in tenant '" + slug + "': tenant, role:<role> or user:<extension>", null);
    }

    private static Map<String, Object> view(DialPlan plan, boolean configured) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("appliesTo", plan.appliesTo());
        view.put("configured", configured);
        view.put("national", plan.national());
        view.put("mobile", plan.mobile());
        view.put("tollFree", plan.tollFree());
        view.put("international", plan.international());
        view.put("premium", plan.premium());
        view.put("highRisk", plan.highRisk());
        view.put("emergency", true); // always: no dial plan can block an emergency call
        view.put("allowedCountries", plan.allowedCountries());
        view.put("blockedCountries", plan.blockedCountries());
        view.put("allowedPrefixes", plan.allowedPrefixes());
        view.put("blockedPrefixes", plan.blockedPrefixes());
        return view;
    }

    private static Map<String, Object> view(FraudLimits limits, boolean configured) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("appliesTo", limits.appliesTo());
        view.put("configured", configured);
        view.put("concurrentCalls", limits.concurrentCalls());
        view.put("internationalCallsPerHour", limits.internationalCallsPerHour());
        view.put("internationalCallsPerDay", limits.internationalCallsPerDay());
        view.put("internationalMinutesPerHour", limits.internationalMinutesPerHour());
        view.put("internationalMinutesPerDay", limits.internationalMinutesPerDay());
        view.put("dailySpendCapCents", limits.dailySpendCapCents());
        view.put("currency", limits.currency());
        view.put("allowedFrom", limits.allowedFrom() == null ? null : limits.allowedFrom().toString());
        view.put("allowedUntil", limits.allowedUntil() == null ? null : limits.allowedUntil().toString());
        view.put("allowedDays", limits.allowedDays());
        return view;
    }
}
