-- Channels (SQLite). Keep in step with ../postgres/0003_channels.sql.

-- Reports from SMS, e-mail or Open311 often say nothing a region can be read from; they get
-- this placeholder until an officer knows better. Not part of the Kemendagri table.
INSERT INTO regions (code, parent_code, level, name) VALUES ('00', NULL, 0, 'Belum ditentukan')
ON CONFLICT (code) DO NOTHING;

-- Systems allowed to use the Open311 and integration APIs. Only a digest of the key is kept.
CREATE TABLE api_clients (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    agency_id      INTEGER REFERENCES agencies (id),
    key_digest     TEXT NOT NULL UNIQUE,
    key_prefix     TEXT NOT NULL,
    scopes         TEXT NOT NULL,
    webhook_url    TEXT,
    webhook_secret TEXT,
    -- The account an agency's system acts as (follow-ups it pushes are written by it).
    user_id        INTEGER REFERENCES users (id),
    created_at     TEXT NOT NULL,
    revoked_at     TEXT
);

-- The system that filed a report, so it may follow it and answer for its reporter.
ALTER TABLE reports ADD COLUMN client_id INTEGER REFERENCES api_clients (id);

-- Every message a channel delivered, once: a replay (same SMS id, same Message-ID, same
-- Open311 request) finds its row and changes nothing. Holds no personal data.
CREATE TABLE inbound_messages (
    id          INTEGER PRIMARY KEY,
    channel     TEXT NOT NULL,
    external_id TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    report_id   INTEGER REFERENCES reports (id),
    received_at TEXT NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX inbound_messages_received ON inbound_messages (received_at);

-- Files the reporter sent with the report (e-mail attachments, Open311 photos).
CREATE TABLE report_files (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX report_files_report ON report_files (report_id);

-- Fixed-window counters for rate limits, shared by every app server on the database.
CREATE TABLE rate_limits (
    subject      TEXT NOT NULL,
    window_start TEXT NOT NULL,
    hits         INTEGER NOT NULL,
    PRIMARY KEY (subject, window_start)
);

-- Each attempt to deliver a webhook or an SMS, for the admins who have to explain a silence.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    job_id      INTEGER,
    kind        TEXT NOT NULL,
    client_id   INTEGER REFERENCES api_clients (id),
    report_id   INTEGER REFERENCES reports (id),
    status      TEXT NOT NULL,
    detail      TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX deliveries_client ON deliveries (client_id, at);
CREATE INDEX deliveries_job ON deliveries (job_id);
