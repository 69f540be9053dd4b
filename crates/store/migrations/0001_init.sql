-- tieup store, schema version 1: saved shortlists, decisions, projects, follow-ups.
-- Dates are ISO 8601 text (YYYY-MM-DD), times UTC (YYYY-MM-DDTHH:MM:SSZ).
-- Region and sector columns hold catalog ids (data/*.csv), lists are separated by ';'.

CREATE TABLE shortlists (
    id             INTEGER PRIMARY KEY,
    japan_region   TEXT NOT NULL,
    sector         TEXT NOT NULL,
    query          TEXT NOT NULL,               -- the query as given, JSON
    model_id       TEXT NOT NULL,
    catalog_digest TEXT NOT NULL,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    note           TEXT NOT NULL DEFAULT ''
);

CREATE TABLE shortlist_candidates (
    shortlist_id INTEGER NOT NULL REFERENCES shortlists(id),
    rank         INTEGER NOT NULL CHECK (rank >= 1),
    region       TEXT NOT NULL,
    score        REAL NOT NULL,
    reasons      TEXT NOT NULL,                 -- the reasons as shown, JSON array of text
    PRIMARY KEY (shortlist_id, rank),
    UNIQUE (shortlist_id, region)
);

CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY,
    shortlist_id INTEGER NOT NULL,
    region       TEXT NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('contacted', 'agreed', 'declined')),
    reason       TEXT NOT NULL DEFAULT '',
    decided_on   TEXT NOT NULL CHECK (date(decided_on) IS decided_on),
    author       TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    FOREIGN KEY (shortlist_id, region) REFERENCES shortlist_candidates(shortlist_id, region)
);

CREATE TABLE projects (
    id                    INTEGER PRIMARY KEY,
    key                   TEXT NOT NULL UNIQUE,  -- the partnership id in exports
    decision_id           INTEGER REFERENCES decisions(id),
    japan_region          TEXT NOT NULL,
    partner_regions       TEXT NOT NULL CHECK (partner_regions <> ''),
    sector                TEXT NOT NULL,
    start_fy              INTEGER NOT NULL CHECK (start_fy BETWEEN 1900 AND 2100),
    end_fy                INTEGER NOT NULL CHECK (end_fy BETWEEN start_fy AND 2100),
    implementation_bodies TEXT NOT NULL DEFAULT '',
    commitment            TEXT NOT NULL DEFAULT 'unknown'
                          CHECK (commitment IN ('sufficient', 'partial', 'unknown')),
    mediator              INTEGER CHECK (mediator IN (0, 1)),
    created_at            TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE follow_ups (
    id             INTEGER PRIMARY KEY,
    project_id     INTEGER NOT NULL REFERENCES projects(id),
    followed_up_on TEXT NOT NULL CHECK (date(followed_up_on) IS followed_up_on),
    outcome        TEXT NOT NULL
                   CHECK (outcome IN ('during', 'after', 'not_yet', 'reported_success')),
    evidence       TEXT NOT NULL DEFAULT '',
    author         TEXT NOT NULL DEFAULT '',
    recorded_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
