-- tieup store, schema version 3: the ranking models the page and `tieup train --db`
-- produced, and which one is active (the page can switch back to any earlier one).

CREATE TABLE models (
    id              INTEGER PRIMARY KEY,
    model_id        TEXT NOT NULL UNIQUE,         -- file name @ digest of its bytes
    path            TEXT NOT NULL,
    learner         TEXT NOT NULL,
    outcomes        TEXT NOT NULL DEFAULT '',     -- ';'-separated partnership ids from this store
    catalog_digest  TEXT NOT NULL DEFAULT '',
    training_source TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE active_model (
    singleton    INTEGER PRIMARY KEY CHECK (singleton = 1),
    model        INTEGER NOT NULL REFERENCES models(id),
    activated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
