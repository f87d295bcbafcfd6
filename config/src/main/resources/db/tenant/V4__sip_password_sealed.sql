-- The SIP password sealed (AES-256-GCM under the switch's credential-seal key, bound to this
-- tenant and username) so the provisioning server can put it in a phone's configuration file.
-- Digest authentication still uses only the HA1 columns. Null where the password was set before
-- this column existed, or by a tool without the key: such a user's phones cannot be provisioned
-- until the password is set again.
ALTER TABLE sip_credentials ADD COLUMN password_sealed bytea CHECK (password_sealed IS NULL OR length(password_sealed) BETWEEN 29 AND 1024);
