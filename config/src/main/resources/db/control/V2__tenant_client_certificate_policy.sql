-- Whether a tenant's phones must present a device certificate on SIP-over-TLS: 'none' (ignored),
-- 'optional' (checked when presented: its MAC must be a device of the registering user) or
-- 'required' (no certificate, no registration).
ALTER TABLE tenants
    ADD COLUMN sip_client_certificates text NOT NULL DEFAULT 'optional'
        CHECK (sip_client_certificates IN ('none', 'optional', 'required'));
