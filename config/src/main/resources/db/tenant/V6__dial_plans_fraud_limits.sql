-- Who may dial what, and what a compromised extension may cost. Written here by the admin API;
-- enforced in the call path by the next issue (CallPolicy). A row applies to the whole tenant
-- ('tenant'), to a role ('role:<role>') or to one user ('user:<extension>'); the most specific wins.
-- Defaults are the safe ones: international, premium-rate and high-risk numbers are blocked until
-- an admin allows them. Emergency numbers are always allowed and cannot be configured away.
CREATE TABLE dial_plans (
    applies_to        text        PRIMARY KEY CHECK (applies_to ~ '^(tenant|role:[a-z-]{3,30}|user:[0-9]{2,10})$'),
    national          boolean     NOT NULL DEFAULT true,
    mobile            boolean     NOT NULL DEFAULT true,
    toll_free         boolean     NOT NULL DEFAULT true,
    international     boolean     NOT NULL DEFAULT false,
    premium           boolean     NOT NULL DEFAULT false,
    high_risk         boolean     NOT NULL DEFAULT false,
    allowed_countries text[]      NOT NULL DEFAULT '{}',
    blocked_countries text[]      NOT NULL DEFAULT '{}',
    allowed_prefixes  text[]      NOT NULL DEFAULT '{}',
    blocked_prefixes  text[]      NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fraud_limits (
    applies_to                     text        PRIMARY KEY CHECK (applies_to ~ '^(tenant|role:[a-z-]{3,30}|user:[0-9]{2,10})$'),
    concurrent_calls               integer     CHECK (concurrent_calls BETWEEN 0 AND 100000),
    international_calls_per_hour   integer     CHECK (international_calls_per_hour >= 0),
    international_calls_per_day    integer     CHECK (international_calls_per_day >= 0),
    international_minutes_per_hour integer     CHECK (international_minutes_per_hour >= 0),
    international_minutes_per_day  integer     CHECK (international_minutes_per_day >= 0),
    daily_spend_cap_cents          bigint      CHECK (daily_spend_cap_cents >= 0),
    currency                       text        CHECK (currency ~ '^[A-Z]{3}$'),
    allowed_from                   time,
    allowed_until                  time,
    allowed_days                   text[]      NOT NULL DEFAULT '{mon,tue,wed,thu,fri,sat,sun}',
    updated_at                     timestamptz NOT NULL DEFAULT now(),
    CHECK ((allowed_from IS NULL) = (allowed_until IS NULL)),
    CHECK ((daily_spend_cap_cents IS NULL) OR (currency IS NOT NULL))
);

CREATE TRIGGER dial_plans_changed AFTER INSERT OR UPDATE OR DELETE ON dial_plans
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('applies_to');
CREATE TRIGGER fraud_limits_changed AFTER INSERT OR UPDATE OR DELETE ON fraud_limits
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('applies_to');
