-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
-- same tables, columns and constraints; only the id and boolean/real types differ.
-- Times are UTC ISO-8601 text, so both backends sort and compare them the same way.

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    parent_code TEXT REFERENCES categories (code),
    name_id     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    position    INTEGER NOT NULL
);

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,
    parent_code TEXT,
    level       INTEGER NOT NULL,
    name        TEXT NOT NULL
);

CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES agencies (id),
    created_at TEXT NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE agency_regions (
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    region_code TEXT NOT NULL REFERENCES regions (code),
    PRIMARY KEY (agency_id, region_code)
);

CREATE INDEX agency_regions_region ON agency_regions (region_code);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT UNIQUE,
    phone         TEXT UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    agency_id     INTEGER REFERENCES agencies (id),
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE reports (
    id               INTEGER PRIMARY KEY,
    tracking_hash    TEXT NOT NULL UNIQUE,
    classification   TEXT NOT NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    incident_date    TEXT,
    region_code      TEXT NOT NULL REFERENCES regions (code),
    address          TEXT,
    latitude         REAL,
    longitude        REAL,
    category         TEXT REFERENCES categories (code),
    target_agency_id INTEGER REFERENCES agencies (id),
    agency_id        INTEGER REFERENCES agencies (id),
    anonymous        BOOLEAN NOT NULL,
    confidential     BOOLEAN NOT NULL,
    channel          TEXT NOT NULL,
    status           TEXT NOT NULL,
    reporter_user_id INTEGER REFERENCES users (id),
    search_text      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX reports_public ON reports (confidential, status, created_at);
CREATE INDEX reports_region ON reports (region_code);
CREATE INDEX reports_agency ON reports (agency_id);
CREATE INDEX reports_reporter ON reports (reporter_user_id);

-- Contact data given with a report by a reporter without an account. Kept apart from the
-- report so that no query for public pages ever touches it.
CREATE TABLE reporters (
    report_id INTEGER PRIMARY KEY REFERENCES reports (id),
    name      TEXT,
    email     TEXT,
    phone     TEXT
);

CREATE TABLE report_events (
    id            INTEGER PRIMARY KEY,
    report_id     INTEGER NOT NULL REFERENCES reports (id),
    at            TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    kind          TEXT NOT NULL,
    data          TEXT NOT NULL,
    public        BOOLEAN NOT NULL
);
CREATE INDEX report_events_report ON report_events (report_id, id);

-- History is never rewritten.
CREATE TRIGGER report_events_no_update BEFORE UPDATE ON report_events
BEGIN SELECT RAISE(ABORT, 'report_events is append-only'); END;
CREATE TRIGGER report_events_no_delete BEFORE DELETE ON report_events
BEGIN SELECT RAISE(ABORT, 'report_events is append-only'); END;

-- A replayed API submission returns its first answer; the request hash stops a reused key
-- with another body from reading someone else's answer.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    report_id    INTEGER NOT NULL REFERENCES reports (id),
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

