-- Near-duplicates and mass complaints (SQLite). Keep in step with ../postgres/0005_duplicates.sql.

-- The text fingerprint of each report (`lapor_router::similar`), written once the report has
-- been compared with the recent ones; a report without a row has not been compared yet.
CREATE TABLE report_fingerprints (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id),
    fingerprint TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- Links between related reports, the newer report first. `kind` is 'duplicate' (sent again),
-- 'same_problem' (a mass complaint) or 'unlinked' (an officer separated the two); the latest
-- row of a pair holds, so nothing is ever updated or deleted. `created_by_user_id` is NULL
-- for links the system made.
CREATE TABLE report_links (
    id                 INTEGER PRIMARY KEY,
    report_id          INTEGER NOT NULL REFERENCES reports (id),
    related_report_id  INTEGER NOT NULL REFERENCES reports (id),
    kind               TEXT NOT NULL,
    score              REAL,
    created_at         TEXT NOT NULL,
    created_by_user_id INTEGER REFERENCES users (id),
    CHECK (report_id > related_report_id)
);
CREATE INDEX report_links_report ON report_links (report_id, related_report_id, id);
CREATE INDEX report_links_related ON report_links (related_report_id, report_id, id);

CREATE TRIGGER report_links_no_update BEFORE UPDATE ON report_links
BEGIN SELECT RAISE(ABORT, 'report_links is append-only'); END;
CREATE TRIGGER report_links_no_delete BEFORE DELETE ON report_links
BEGIN SELECT RAISE(ABORT, 'report_links is append-only'); END;
