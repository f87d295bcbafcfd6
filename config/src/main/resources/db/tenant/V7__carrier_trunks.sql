-- Carrier trunks: where calls to the phone network go. SIP over TLS only; the trunk's digest
-- password is sealed (AES-256-GCM under the switch's credential-seal key), never stored in clear,
-- never returned by the API.
CREATE TABLE trunks (
    name            text        PRIMARY KEY CHECK (name ~ '^[a-z0-9][a-z0-9-]{1,39}$'),
    host            text        NOT NULL CHECK (host ~ '^[A-Za-z0-9.:-]{1,253}$'),
    port            integer     NOT NULL DEFAULT 5061 CHECK (port BETWEEN 1 AND 65535),
    transport       text        NOT NULL DEFAULT 'tls' CHECK (transport = 'tls'),
    username        text        CHECK (length(username) BETWEEN 1 AND 100),
    password_sealed bytea,
    outbound_prefix text        NOT NULL DEFAULT '' CHECK (outbound_prefix ~ '^[0-9]{0,10}$'),
    enabled         boolean     NOT NULL DEFAULT true,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER trunks_changed AFTER INSERT OR UPDATE OR DELETE ON trunks
    FOR EACH ROW EXECUTE FUNCTION voxgate_control.notify_config_change('name');
