-- Notifications: each notice is a row in its recipient's inbox, and one outbox row per channel
-- it leaves by (e-mail, webhook), written in the transaction of the change it tells of and
-- delivered by a worker, at least once.

-- The inbox. A notice carries its topic and parameters, not text: it is rendered in the
-- reader's language when read. The dedupe key makes a sweep run twice (or by two servers)
-- insert a notice once per recipient; NULL keys never collide.
CREATE TABLE notices (
    id              uuid PRIMARY KEY,
    recipient_kind  text NOT NULL,
    recipient_id    uuid NOT NULL,
    topic           text NOT NULL,
    params          text NOT NULL,
    link            text,
    dedupe_key      text,
    created_at      timestamptz NOT NULL,
    read_at         timestamptz
);
CREATE UNIQUE INDEX notices_dedupe ON notices (recipient_kind, recipient_id, dedupe_key);
CREATE INDEX notices_inbox ON notices (recipient_kind, recipient_id, created_at);

-- The outbox. `target` is the address or URL at the time of the notice. A worker claims a due
-- row by setting `claimed_by` and `claimed_until`; a worker that dies mid-delivery leaves the
-- row to be claimed again once the lease has run out. `last_error` never holds a secret.
CREATE TABLE outbox (
    id               uuid PRIMARY KEY,
    notice_id        uuid NOT NULL REFERENCES notices (id),
    channel          text NOT NULL,
    target           text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    claimed_by       text,
    claimed_until    timestamptz,
    delivered_at     timestamptz,
    last_error       text,
    failing          boolean NOT NULL DEFAULT FALSE,
    created_at       timestamptz NOT NULL
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX outbox_notice ON outbox (notice_id);

-- Where an employer wants its notices besides the inbox. The webhook secret is sealed under the
-- server's sealing key (credential::seal), with the employer's id as associated data.
CREATE TABLE employer_notification_settings (
    employer_id            uuid PRIMARY KEY REFERENCES employers (id),
    contact_email          text,
    webhook_url            text,
    webhook_secret_sealed  bytea,
    updated_at             timestamptz NOT NULL
);
