-- Registrar bindings (RFC 3261 §10, RFC 5626 flows), one row per contact of an address of record.
-- Written behind the registrar's in-memory location service so every node can see them; rows of
-- a node's flows are only usable on that node (its connections), hence node_id and flow_id.
CREATE TABLE registrations (
    aor_user    text        NOT NULL,
    contact     text        NOT NULL,
    instance_id text,
    reg_id      integer,
    node_id     text        NOT NULL,
    flow_id     text        NOT NULL,
    call_id     text        NOT NULL,
    cseq        bigint      NOT NULL,
    expires_at  timestamptz NOT NULL,
    user_agent  text,
    source      text        NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aor_user, contact)
);
CREATE INDEX registrations_by_flow ON registrations (node_id, flow_id);
CREATE INDEX registrations_by_expiry ON registrations (expires_at);
