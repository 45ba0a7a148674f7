-- Automatic routing (issue 5): trained models are versioned data, never downloads; the rules
-- a deployment starts from are editable by national admins.
CREATE TABLE routing_models (
    id          INTEGER PRIMARY KEY,
    trained_at  TEXT NOT NULL,
    examples    INTEGER NOT NULL,
    roles       INTEGER NOT NULL,
    model       BLOB NOT NULL
);

CREATE TABLE routing_rules (
    category    TEXT NOT NULL,
    level       TEXT NOT NULL,
    role_hint   TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users (id),
    PRIMARY KEY (category, level)
);
