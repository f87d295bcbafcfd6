package io.voxgate.admin.http;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.voxgate.admin.auth.AdminPrincipal;
import io.voxgate.admin.rbac.Permission;
import io.voxgate.admin.rbac.RequiresPermission;
import io.voxgate.config.calling.RateTable;
import io.voxgate.config.calling.RateTable.Rate;
import io.voxgate.config.tenant.Tenant;

/**
 * {@code /api/v1/tenants/{slug}/rates}: the rate table a tenant's daily spend caps count against:
 * the price of a minute per E.164 prefix (longest match wins). Part of the fraud limits.
 */
@Controller("/api/v1/tenants/{slug}/rates")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RatesController {

    /** Prices up to a million a minute with six decimals, as the column holds them. */
    private static final BigDecimal MAX_PRICE = new BigDecimal("999999");

    @Serdeable
    public record RateBody(@Nullable BigDecimal pricePerMinute, @Nullable String currency, @Nullable String description) {
    }

    private final RateTable rates;
    private final TenantScope scope;
    private final AccessAudit access;

    public RatesController(RateTable rates, TenantScope scope, AccessAudit access) {
        this.rates = rates;
        this.scope = scope;
        this.access = access;
    }

    @Get
    @RequiresPermission(Permission.FRAUD_LIMITS_READ)
    public MutableHttpResponse<?> list(HttpRequest<?> request, @PathVariable String slug, @QueryValue @Nullable String after,
                                       @QueryValue @Nullable Integer limit) {
        Optional<Tenant> tenant = scope.resolve(BearerAuthentication.principal(request), slug, "GET " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        return HttpResponse.ok(Pages.of(rates.list(tenant.get()), Rate::prefix, after, limit, RatesController::view));
    }

    @Put("/{prefix}")
    @RequiresPermission(Permission.FRAUD_LIMITS_WRITE)
    public MutableHttpResponse<?> put(HttpRequest<?> request, @PathVariable String slug, @PathVariable String prefix, @Body RateBody body) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "PUT " + request.getPath());
        if (tenant.isEmpty()) {
            return notFound(slug);
        }
        String digits = prefix.startsWith("+") ? prefix.substring(1) : prefix;
        if (!digits.matches("[0-9]{1,15}")) {
            return Problems.invalid("prefix", "1-15 digits of an E.164 number, country code first, no + (e.g. 44 or 4420)");
        }
        if (body.pricePerMinute() == null || body.pricePerMinute().signum() < 0 || body.pricePerMinute().compareTo(MAX_PRICE) > 0
                || body.pricePerMinute().scale() > 6) {
            return Problems.invalid("pricePerMinute", "0 to 999999 with at most 6 decimals, in the currency's units (e.g. 0.0125)");
        }
        if (body.currency() == null || !body.currency().matches("[A-Z]{3}") || !isCurrency(body.currency())) {
            return Problems.invalid("currency", "an ISO 4217 code such as EUR, the currency of the tenant's spend caps");
        }
        if (body.description() != null && body.description().length() > 100) {
            return Problems.invalid("description", "at most 100 characters");
        }
        Optional<Rate> before = rates.find(tenant.get(), digits);
        Rate saved = rates.put(tenant.get(), new Rate(digits, body.pricePerMinute(), body.currency(), body.description()));
        access.changed(principal, tenant.get(), "rate.put", digits, Map.of("before", String.valueOf(before.orElse(null)),
                "after", String.valueOf(saved)));
        return HttpResponse.ok(view(saved));
    }

    @Delete("/{prefix}")
    @RequiresPermission(Permission.FRAUD_LIMITS_WRITE)
    public MutableHttpResponse<?> delete(HttpRequest<?> request, @PathVariable String slug, @PathVariable String prefix) {
        AdminPrincipal principal = BearerAuthentication.principal(request);
        Optional<Tenant> tenant = scope.resolve(principal, slug, "DELETE " + request.getPath());
        String digits = prefix.startsWith("+") ? prefix.substring(1) : prefix;
        Optional<Rate> before = tenant.flatMap(t -> rates.find(t, digits));
        if (before.isEmpty() || !rates.delete(tenant.get(), digits)) {
            return notFound(slug);
        }
        access.changed(principal, tenant.get(), "rate.delete", digits, Map.of("before", String.valueOf(before.get())));
        return HttpResponse.noContent();
    }

    private static boolean isCurrency(String code) {
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Map<String, Object> view(Rate rate) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("prefix", rate.prefix());
        view.put("pricePerMinute", rate.pricePerMinute().stripTrailingZeros().toPlainString());
        view.put("currency", rate.currency());
        view.put("description", rate.description());
        return view;
    }


    private static MutableHttpResponse<?> notFound(String slug) {
        return Problems.of(HttpStatus.NOT_FOUND, null, "Not found", "no such rate in tenant '" + slug + "'", null);
    }
}
