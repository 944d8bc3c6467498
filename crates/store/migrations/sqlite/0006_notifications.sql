-- Notifications: each notice is a row in its recipient's inbox, and one outbox row per channel
-- it leaves by (e-mail, webhook), written in the transaction of the change it tells of and
-- delivered by a worker, at least once.

-- The inbox. A notice carries its topic and parameters, not text: it is rendered in the
-- reader's language when read. The dedupe key makes a sweep run twice (or by two servers)
-- insert a notice once per recipient; NULL keys never collide.
CREATE TABLE notices (
    id              BLOB PRIMARY KEY,
    recipient_kind  TEXT NOT NULL,
    recipient_id    BLOB NOT NULL,
    topic           TEXT NOT NULL,
    params          TEXT NOT NULL,
    link            TEXT,
    dedupe_key      TEXT,
    created_at      TEXT NOT NULL,
    read_at         TEXT
);
CREATE UNIQUE INDEX notices_dedupe ON notices (recipient_kind, recipient_id, dedupe_key);
CREATE INDEX notices_inbox ON notices (recipient_kind, recipient_id, created_at);

-- The outbox. `target` is the address or URL at the time of the notice. A worker claims a due
-- row by setting `claimed_by` and `claimed_until`; a worker that dies mid-delivery leaves the
-- row to be claimed again once the lease has run out. `last_error` never holds a secret.
CREATE TABLE outbox (
    id               BLOB PRIMARY KEY,
    notice_id        BLOB NOT NULL REFERENCES notices (id),
    channel          TEXT NOT NULL,
    target           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT,
    claimed_until    TEXT,
    delivered_at     TEXT,
    last_error       TEXT,
    failing          INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_notice ON outbox (notice_id);

-- Where an employer wants its notices besides the inbox. The webhook secret is sealed under the
-- server's sealing key (credential::seal), with the employer's id as associated data.
CREATE TABLE employer_notification_settings (
    employer_id            BLOB PRIMARY KEY REFERENCES employers (id),
    contact_email          TEXT,
    webhook_url            TEXT,
    webhook_secret_sealed  BLOB,
    updated_at             TEXT NOT NULL
);
