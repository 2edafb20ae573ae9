-- Schema of the Migration Actors Atlas (DuckDB).
-- Blocks start with "-- version: N"; mapping/store.py applies, in order, every block whose
-- number is above the database's schema_version. Migrations are additive: a new block adds
-- tables or columns, it never drops or renames what an older database holds.

-- version: 1
CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    applied_at  TIMESTAMP DEFAULT current_timestamp,
    description VARCHAR
);

-- Settings with defaults and help text, datasette-style.
CREATE TABLE IF NOT EXISTS settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR,
    help  VARCHAR
);

CREATE TABLE IF NOT EXISTS sources (
    id        VARCHAR PRIMARY KEY,   -- document file name, URL, or "note:<slug>" for curator notes
    title     VARCHAR NOT NULL,
    publisher VARCHAR,
    date      VARCHAR,
    language  VARCHAR,
    url       VARCHAR,
    note      VARCHAR
);

CREATE TABLE IF NOT EXISTS actors (
    id            VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL,
    acronym       VARCHAR,
    name_fr       VARCHAR,
    name_en       VARCHAR,
    name_ar       VARCHAR,
    other_names   VARCHAR[],
    kind          VARCHAR NOT NULL,
    country       VARCHAR NOT NULL,          -- ISO 3166-1 alpha-2
    region_code   VARCHAR,                   -- ISO 3166-2 admin-1 code (focus countries)
    region        VARCHAR,
    city          VARCHAR,
    lat           DOUBLE,
    lon           DOUBLE,
    themes        VARCHAR[],
    target_groups VARCHAR[],
    website       VARCHAR,
    description   VARCHAR,
    public_email  VARCHAR,
    public_phone  VARCHAR,
    contact_name  VARCHAR,                   -- private: curators only
    contact_role  VARCHAR,                   -- private
    contact_email VARCHAR,                   -- private
    valid_from    VARCHAR,
    valid_to      VARCHAR,
    note          VARCHAR,
    status        VARCHAR NOT NULL DEFAULT 'published',
    created_at    TIMESTAMP DEFAULT current_timestamp,
    updated_at    TIMESTAMP DEFAULT current_timestamp,
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS projects (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    acronym     VARCHAR,
    other_names VARCHAR[],
    kind        VARCHAR NOT NULL,
    description VARCHAR,
    start_date  VARCHAR,                     -- ISO date, possibly partial (YYYY or YYYY-MM)
    end_date    VARCHAR,
    themes      VARCHAR[],
    status      VARCHAR NOT NULL DEFAULT 'published',
    created_at  TIMESTAMP DEFAULT current_timestamp,
    updated_at  TIMESTAMP DEFAULT current_timestamp,
    version     INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS project_roles (
    project_id VARCHAR NOT NULL,
    actor_id   VARCHAR NOT NULL,
    role       VARCHAR NOT NULL,
    note       VARCHAR,
    PRIMARY KEY (project_id, actor_id, role)
);

CREATE TABLE IF NOT EXISTS events (
    id                 VARCHAR PRIMARY KEY,
    name               VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    project_id         VARCHAR,
    start_date         VARCHAR,
    end_date           VARCHAR,
    city               VARCHAR,
    country            VARCHAR,
    region_code        VARCHAR,
    lat                DOUBLE,
    lon                DOUBLE,
    description        VARCHAR,
    participants_count INTEGER,
    status             VARCHAR NOT NULL DEFAULT 'published',
    created_at         TIMESTAMP DEFAULT current_timestamp,
    updated_at         TIMESTAMP DEFAULT current_timestamp,
    version            INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE IF NOT EXISTS participations (
    event_id VARCHAR NOT NULL,
    actor_id VARCHAR NOT NULL,
    role     VARCHAR NOT NULL,
    note     VARCHAR,
    PRIMARY KEY (event_id, actor_id, role)
);

CREATE TABLE IF NOT EXISTS relations (
    id           VARCHAR PRIMARY KEY,
    source_actor VARCHAR NOT NULL,
    target_actor VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    project_id   VARCHAR,
    start_date   VARCHAR,
    end_date     VARCHAR,
    note         VARCHAR,
    status       VARCHAR NOT NULL DEFAULT 'published',
    created_at   TIMESTAMP DEFAULT current_timestamp,
    updated_at   TIMESTAMP DEFAULT current_timestamp,
    version      INTEGER NOT NULL DEFAULT 1
);

-- Provenance: each record cites one or more sources.
-- record_type: actor | relation | project | event | project_role | participation
-- record_id: the record's id ("project|actor|role" for project_role, "event|actor|role" for participation)
CREATE TABLE IF NOT EXISTS citations (
    record_type VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    source_id   VARCHAR NOT NULL,
    quote       VARCHAR
);

-- Audit log: enough to restore any record (before/after are JSON snapshots).
CREATE SEQUENCE IF NOT EXISTS changes_seq START 1;
CREATE TABLE IF NOT EXISTS changes (
    id          BIGINT PRIMARY KEY DEFAULT nextval('changes_seq'),
    changed_at  TIMESTAMP DEFAULT current_timestamp,
    username    VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,           -- create | update | archive | restore | merge | import | seed
    record_type VARCHAR NOT NULL,
    record_id   VARCHAR NOT NULL,
    before      JSON,
    after       JSON,
    note        VARCHAR
);

CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,
    display_name  VARCHAR,
    role          VARCHAR NOT NULL,          -- curator | admin
    password_hash VARCHAR NOT NULL,          -- salted slow hash, never plain text
    active        BOOLEAN NOT NULL DEFAULT true,
    created_at    TIMESTAMP DEFAULT current_timestamp
);

-- version: 2
-- Curation: where an actor works besides its seat (HXL 3W imports), and merged duplicates.
ALTER TABLE actors ADD COLUMN IF NOT EXISTS merged_into VARCHAR;
CREATE TABLE IF NOT EXISTS actor_areas (
    actor_id    VARCHAR NOT NULL,
    country     VARCHAR NOT NULL,
    region_code VARCHAR,
    city        VARCHAR,
    lat         DOUBLE,
    lon         DOUBLE
);

-- version: 3
-- Presenter tours: named sequences of views (page + URL parameters) with a caption each.
CREATE TABLE IF NOT EXISTS tours (
    id          VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    description VARCHAR,
    steps       JSON NOT NULL,
    created_by  VARCHAR,
    created_at  TIMESTAMP DEFAULT current_timestamp,
    updated_at  TIMESTAMP DEFAULT current_timestamp,
    version     INTEGER NOT NULL DEFAULT 1
);

-- version: 4
-- Provenance: how each fact is known. evidence is 'stated' (a cited source says it; the quote is
-- in citations), 'inferred' (a curator's reasoning, written in evidence_note) or 'external' (from
-- outside the cited sources; evidence_note gives the reference); NULL = not yet assessed.
-- Actors carry one level per field group: the organisation (name, kind, description), its seat
-- (place_evidence) and its dates (dates_evidence). A seat may be unknown: country, city and
-- coordinates may all be empty, and such an actor is never drawn at an invented point.
ALTER TABLE actors ALTER COLUMN country DROP NOT NULL;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS place_evidence VARCHAR;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS dates_evidence VARCHAR;
ALTER TABLE actors ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
ALTER TABLE projects ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE projects ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE events ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
ALTER TABLE relations ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE relations ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
ALTER TABLE project_roles ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE project_roles ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
ALTER TABLE participations ADD COLUMN IF NOT EXISTS evidence VARCHAR;
ALTER TABLE participations ADD COLUMN IF NOT EXISTS evidence_note VARCHAR;
-- Which field group a citation supports: NULL = the record itself, 'place' or 'dates'.
ALTER TABLE citations ADD COLUMN IF NOT EXISTS field VARCHAR;
-- A reference a person can follow when a source has no link (report number, archive, ISBN).
ALTER TABLE sources ADD COLUMN IF NOT EXISTS reference VARCHAR;

-- version: 5
-- Failed sign-ins in a row, per user name (known or not: both answer alike) and per browser
-- session: a doubling wait after five, a lock after twenty that only an admin lifts.
CREATE TABLE IF NOT EXISTS sign_in_failures (
    key          VARCHAR PRIMARY KEY,        -- 'user:<name, lower case>' or 'session:<id>'
    failures     INTEGER NOT NULL DEFAULT 0,
    last_failure DOUBLE,                     -- Unix time
    locked       BOOLEAN NOT NULL DEFAULT false
);

-- version: 6
-- 3W imports: what each area of operation says (sector, period) and which import brought it; each
-- import and the actors it created or updated, so its drafts can be reviewed and published together.
-- kind_rule: the rule that guessed a new actor's kind (NULL when the file stated it or it was fixed).
ALTER TABLE actor_areas ADD COLUMN IF NOT EXISTS sector VARCHAR;
ALTER TABLE actor_areas ADD COLUMN IF NOT EXISTS period VARCHAR;
ALTER TABLE actor_areas ADD COLUMN IF NOT EXISTS import_id VARCHAR;
CREATE TABLE IF NOT EXISTS imports (
    id          VARCHAR PRIMARY KEY,
    file_name   VARCHAR NOT NULL,
    source_id   VARCHAR,
    username    VARCHAR NOT NULL,
    imported_at TIMESTAMP DEFAULT current_timestamp,
    counts      JSON
);
CREATE TABLE IF NOT EXISTS import_actors (
    import_id VARCHAR NOT NULL,
    actor_id  VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,             -- new | update
    kind_rule VARCHAR
);

-- version: 7
-- Curators' sign-in sessions: the browser keeps a signed cookie naming one (mapping/sessions.py);
-- a session is valid until it expires or is ended (signing out ends it, whatever the cookie says).
CREATE TABLE IF NOT EXISTS sessions (
    id         VARCHAR PRIMARY KEY,
    username   VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    expires_at DOUBLE NOT NULL,               -- Unix time
    ended_at   TIMESTAMP
);
