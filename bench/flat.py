"""The flattened table and FTS5 index a Datasette user would publish."""

import sqlite3

FLAT = """
CREATE TABLE departures_flat (
    id INTEGER PRIMARY KEY,
    person TEXT, person_slug TEXT,
    organization TEXT, organization_slug TEXT,
    role_title TEXT, seniority TEXT, function TEXT, founder INTEGER,
    reason TEXT, involuntary INTEGER, status TEXT,
    announced_on TEXT, announced_precision TEXT, effective_on TEXT,
    reversed_on TEXT, stated_reason TEXT, context TEXT,
    destination TEXT, destination_title TEXT, successor TEXT,
    tags TEXT, sources TEXT
);
INSERT INTO departures_flat
SELECT d.id, p.name, p.slug, o.name, o.slug,
    r.title, r.seniority, r.function, r.is_founder,
    d.reason, d.is_involuntary, d.status,
    d.announced_on, d.announced_precision, d.effective_on,
    d.reversed_on, d.stated_reason, d.context,
    dest.name, d.destination_title, succ.name,
    (SELECT group_concat(t.name, '; ') FROM departures_departure_tags dt
        JOIN departures_tag t ON t.id = dt.tag_id WHERE dt.departure_id = d.id),
    (SELECT group_concat(s.url, ' ') FROM departures_citation c
        JOIN departures_source s ON s.id = c.source_id WHERE c.departure_id = d.id)
FROM departures_departure d
JOIN people_role r ON r.id = d.role_id
JOIN people_person p ON p.id = r.person_id
JOIN people_organization o ON o.id = r.organization_id
LEFT JOIN people_organization dest ON dest.id = d.destination_id
LEFT JOIN people_person succ ON succ.id = d.successor_id
WHERE d.published_at IS NOT NULL;
CREATE VIRTUAL TABLE departures_flat_fts USING fts5(
    person, organization, role_title, stated_reason, context,
    content="departures_flat", content_rowid="id"
);
INSERT INTO departures_flat_fts (rowid, person, organization, role_title,
    stated_reason, context)
SELECT id, person, organization, role_title, stated_reason, context
FROM departures_flat;
"""


def build(path) -> int:
    """(Re)build `departures_flat` and its FTS5 index in the SQLite file at
    `path`; return its number of rows."""
    db = sqlite3.connect(path)
    try:
        db.executescript(
            "DROP TABLE IF EXISTS departures_flat_fts;"
            "DROP TABLE IF EXISTS departures_flat;" + FLAT
        )
        db.commit()
        return db.execute("SELECT count(*) FROM departures_flat").fetchone()[0]
    finally:
        db.close()
