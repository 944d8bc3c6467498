-- The issuer's signing keys: the public key in clear, the seed sealed under the configured
-- sealing key (see credential::seal). The newest key not retired signs; every key verifies what
-- it signed until it is retired.
CREATE TABLE issuer_keys (
    kid          bytea PRIMARY KEY,
    public_key   bytea NOT NULL,
    sealed_seed  bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    retired_at   timestamptz
);
