-- Handling workflow (SQLite). Keep in step with ../postgres/0002_workflow.sql.

-- The report's current workflow state. `version` grows with every change an officer's form
-- could be based on (optimistic locking); `due_step`/`due_at` cache the running deadline,
-- computed by the use cases from the history, so inboxes and sweeps can sort and filter.
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN handling_class TEXT NOT NULL DEFAULT 'biasa';
ALTER TABLE reports ADD COLUMN due_step TEXT;
ALTER TABLE reports ADD COLUMN due_at TEXT;
ALTER TABLE reports ADD COLUMN language TEXT NOT NULL DEFAULT 'id';
-- When the deadline sweep must next look at the report (a deadline or an escalation stage).
ALTER TABLE reports ADD COLUMN attention_at TEXT;
ALTER TABLE reports ADD COLUMN rating INTEGER;
-- Inboxes list the most urgent deadline first, reports without one last: the same order on
-- both databases (they sort NULLs differently), served by this index.
CREATE INDEX reports_due_order ON reports ((COALESCE(due_at, '9999-12-31')), id);
CREATE INDEX reports_attention ON reports (attention_at);
-- Reports filed before deadlines were stored: the first sweep computes theirs.
UPDATE reports SET attention_at = created_at
WHERE status NOT IN ('closed', 'archived', 'escalated_ombudsman');
-- Inbox counts per status with their overdue share read this index alone.
CREATE INDEX reports_status ON reports (status, due_at, agency_id);

-- A follow-up needs the agency admin's approval before the reporter sees it.
ALTER TABLE agencies ADD COLUMN requires_approval BOOLEAN NOT NULL DEFAULT FALSE;
-- Language of notifications to an account holder.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'id';

-- Disposisi: the units currently handling a report.
CREATE TABLE report_units (
    report_id   INTEGER NOT NULL REFERENCES reports (id),
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    disposed_at TEXT NOT NULL,
    PRIMARY KEY (report_id, agency_id)
);
CREATE INDEX report_units_agency ON report_units (agency_id);

-- Tindak lanjut. The text is never edited: a rejected follow-up stays, and a new one is written.
CREATE TABLE follow_ups (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES reports (id),
    agency_id      INTEGER NOT NULL REFERENCES agencies (id),
    author_user_id INTEGER REFERENCES users (id),
    body           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    published_at   TEXT,
    rejected_at    TEXT
);
CREATE INDEX follow_ups_report ON follow_ups (report_id);

-- Files of a follow-up, kept in the database so app servers stay stateless.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups (id),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL
);
CREATE INDEX attachments_follow_up ON attachments (follow_up_id);

-- In-app notifications, written in the same transaction as the change they announce.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    report_id  INTEGER REFERENCES reports (id),
    text       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at    TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Durable jobs and the outbox: e-mails to send, sweeps to run. A job is claimed by setting
-- `locked_until`; a crashed worker's claim simply expires.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    dedupe_key   TEXT UNIQUE,
    run_at       TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_by    TEXT,
    locked_until TEXT,
    last_error   TEXT,
    done_at      TEXT,
    failed_at    TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX jobs_due ON jobs (done_at, failed_at, run_at);

-- Each escalation stage of each deadline cycle happens once, even with several workers.
CREATE TABLE escalations (
    report_id INTEGER NOT NULL REFERENCES reports (id),
    step      TEXT NOT NULL,
    started   TEXT NOT NULL,
    stage     INTEGER NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (report_id, step, started, stage)
);

-- How each deadline was met, for agency performance: one row per finished step.
CREATE TABLE step_outcomes (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    agency_id INTEGER REFERENCES agencies (id),
    step      TEXT NOT NULL,
    started   TEXT NOT NULL,
    due       TEXT NOT NULL,
    done_at   TEXT NOT NULL
);
CREATE INDEX step_outcomes_agency ON step_outcomes (agency_id, step);

-- Holidays beyond the compiled-in national list: later years (`lapor holidays import`,
-- scope 'national') and an agency's regional days (scope = the agency's code).
CREATE TABLE holidays (
    scope TEXT NOT NULL,
    date  TEXT NOT NULL,
    kind  TEXT NOT NULL,
    name  TEXT NOT NULL,
    PRIMARY KEY (scope, date, kind)
);

-- Deployment settings (time limits, whether cuti bersama stops the clock).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
