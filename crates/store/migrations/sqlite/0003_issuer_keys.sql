-- The issuer's signing keys: the public key in clear, the seed sealed under the configured
-- sealing key (see credential::seal). The newest key not retired signs; every key verifies what
-- it signed until it is retired.
CREATE TABLE issuer_keys (
    kid          BLOB PRIMARY KEY,
    public_key   BLOB NOT NULL,
    sealed_seed  BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    retired_at   TEXT
);
