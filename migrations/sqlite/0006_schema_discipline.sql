-- no-transaction
-- Schema discipline (issue 5, item 6) and searchable, sortable name keys (item 10).
--
-- SQLite cannot add a CHECK constraint to an existing table, so the tables that hold a
-- closed vocabulary or a date order are rebuilt: create the new table, copy the rows, drop
-- the old one, rename, recreate its indexes. This must run with foreign keys OFF: with them
-- on, DROP TABLE deletes every row first, which would cascade (organisation_themes,
-- group_themes, agenda_items, decisions, attendance would lose their rows) or fail. The
-- PRAGMA has no effect inside a transaction, hence `no-transaction` above and our own
-- BEGIN … COMMIT; a foreign key check at the end fails the migration (and rolls it back)
-- if any reference were broken. The rebuilt tables keep every column, `version` included.
--
-- CHECK constraints carry names (`<table>_<column>_check`) matching PostgreSQL's, so that
-- the parity test (tests/it/migrations.rs) can compare them. Booleans stored as integers
-- get an unnamed CHECK (x IN (0, 1)): PostgreSQL's BOOLEAN type does that job there.
-- Timestamps must be written as sqlx writes chrono values (RFC 3339 with a `T` for
-- TIMESTAMPTZ, `YYYY-MM-DD HH:MM:SS` for local wall-clock TIMESTAMP): text is compared as
-- text, so one format everywhere keeps ordering and range filters right.
--
-- name_key and search_key are lower-cased (Unicode, in Rust: `db::fold`) copies of the
-- names, written by the stores; here they start as SQLite's lower(), which folds only
-- ASCII, and `Db::migrate` refolds the rows that have other letters (see ARCHITECTURE.md).

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE new_areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CONSTRAINT areas_kind_check CHECK (kind IN ('country', 'wellbeing_county', 'region', 'subregion', 'hospital_district', 'municipality')),
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    official_code TEXT NOT NULL,
    statfin_code TEXT NOT NULL DEFAULT '',
    sotkanet_id INTEGER,
    parent_id INTEGER REFERENCES areas(id),
    population INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT areas_kind_code_key UNIQUE (kind, official_code)
);
INSERT INTO new_areas (id, kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population, version)
    SELECT id, kind, name_fi, name_sv, name_en, official_code, statfin_code, sotkanet_id, parent_id, population, version FROM areas;
DROP TABLE areas;
ALTER TABLE new_areas RENAME TO areas;
CREATE INDEX areas_parent_idx ON areas (parent_id);

CREATE TABLE new_organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL CONSTRAINT organisations_org_type_check CHECK (org_type IN ('municipality', 'wellbeing_county', 'parish', 'ngo', 'national', 'foundation', 'education', 'other')),
    area_id INTEGER REFERENCES areas(id),
    website TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0 CHECK (is_example IN (0, 1)),
    created_at TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__%'),
    updated_at TEXT NOT NULL CHECK (updated_at LIKE '____-__-__T__:__:__%'),
    version INTEGER NOT NULL DEFAULT 1,
    name_key TEXT NOT NULL,
    search_key TEXT NOT NULL
);
INSERT INTO new_organisations (id, name_fi, name_sv, org_type, area_id, website, is_example, created_at, updated_at, version, name_key, search_key)
    SELECT id, name_fi, name_sv, org_type, area_id, website, is_example, created_at, updated_at, version,
           lower(name_fi), lower(name_fi || char(10) || name_sv) FROM organisations;
DROP TABLE organisations;
ALTER TABLE new_organisations RENAME TO organisations;
CREATE UNIQUE INDEX organisations_name_area_key ON organisations (name_key, COALESCE(area_id, 0));
CREATE INDEX organisations_name_idx ON organisations (name_key, id);
CREATE INDEX organisations_area_idx ON organisations (area_id);
CREATE INDEX organisations_type_idx ON organisations (org_type);

CREATE TABLE new_work_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    group_type TEXT NOT NULL CONSTRAINT work_groups_group_type_check CHECK (group_type IN ('coordination', 'expert', 'other')),
    convener_id INTEGER REFERENCES organisations(id),
    status TEXT NOT NULL CONSTRAINT work_groups_status_check CHECK (status IN ('active', 'planned', 'negotiation', 'closed')),
    description TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0 CHECK (is_example IN (0, 1)),
    created_at TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__%'),
    updated_at TEXT NOT NULL CHECK (updated_at LIKE '____-__-__T__:__:__%'),
    version INTEGER NOT NULL DEFAULT 1,
    name_key TEXT NOT NULL,
    search_key TEXT NOT NULL
);
INSERT INTO new_work_groups (id, name_fi, name_sv, name_en, group_type, convener_id, status, description, is_example, created_at, updated_at, version, name_key, search_key)
    SELECT id, name_fi, name_sv, name_en, group_type, convener_id, status, description, is_example, created_at, updated_at, version,
           lower(name_fi), lower(name_fi || char(10) || name_sv || char(10) || name_en) FROM work_groups;
DROP TABLE work_groups;
ALTER TABLE new_work_groups RENAME TO work_groups;
CREATE UNIQUE INDEX work_groups_name_key ON work_groups (name_key);
CREATE INDEX work_groups_convener_idx ON work_groups (convener_id);

CREATE TABLE new_memberships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES work_groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL CONSTRAINT memberships_role_check CHECK (role IN ('chair', 'convener', 'secretary', 'member', 'lived_experience', 'national_rep')),
    start_date TEXT CHECK (start_date LIKE '____-__-__'),
    end_date TEXT CHECK (end_date LIKE '____-__-__'),
    created_at TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__%'),
    updated_at TEXT NOT NULL CHECK (updated_at LIKE '____-__-__T__:__:__%'),
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT memberships_dates_check CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date)
);
INSERT INTO new_memberships (id, group_id, person_id, role, start_date, end_date, created_at, updated_at, version)
    SELECT id, group_id, person_id, role, start_date, end_date, created_at, updated_at, version FROM memberships;
DROP TABLE memberships;
ALTER TABLE new_memberships RENAME TO memberships;
CREATE UNIQUE INDEX memberships_open_key ON memberships (group_id, person_id) WHERE end_date IS NULL;
CREATE INDEX memberships_person_idx ON memberships (person_id);
CREATE INDEX memberships_group_idx ON memberships (group_id, person_id);

CREATE TABLE new_meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES work_groups(id),
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL CHECK (starts_at LIKE '____-__-__ __:__:__%'),
    ends_at TEXT NOT NULL CHECK (ends_at LIKE '____-__-__ __:__:__%'),
    place TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
    minutes TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0 CHECK (is_example IN (0, 1)),
    created_at TEXT NOT NULL CHECK (created_at LIKE '____-__-__T__:__:__%'),
    updated_at TEXT NOT NULL CHECK (updated_at LIKE '____-__-__T__:__:__%'),
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT meetings_times_check CHECK (ends_at > starts_at)
);
INSERT INTO new_meetings (id, group_id, title, starts_at, ends_at, place, online_url, is_public, minutes, is_example, created_at, updated_at, version)
    SELECT id, group_id, title, starts_at, ends_at, place, online_url, is_public, minutes, is_example, created_at, updated_at, version FROM meetings;
DROP TABLE meetings;
ALTER TABLE new_meetings RENAME TO meetings;
CREATE INDEX meetings_group_idx ON meetings (group_id, starts_at);
CREATE INDEX meetings_starts_idx ON meetings (starts_at);

CREATE TABLE new_audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL CHECK (at LIKE '____-__-__T__:__:__%'),
    user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL CONSTRAINT audit_log_action_check CHECK (action IN ('create', 'update', 'delete', 'erase')),
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before_json TEXT,
    after_json TEXT
);
INSERT INTO new_audit_log (id, at, user_id, actor, action, entity, entity_id, before_json, after_json)
    SELECT id, at, user_id, actor, action, entity, entity_id, before_json, after_json FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE new_audit_log RENAME TO audit_log;
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_idx ON audit_log (user_id);

-- People are not rebuilt (no closed vocabulary); their keys are added in place.
ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE people SET name_key = lower(name), search_key = lower(name || char(10) || title || char(10) || email);
-- erased first: the lists' condition `erased = FALSE` is an equality, and the sort follows.
CREATE INDEX people_name_idx ON people (erased, name_key, id);

-- Foreign keys used in filters, joins and visibility rules.
CREATE INDEX attendance_person_idx ON attendance (person_id);
CREATE INDEX organisation_themes_theme_idx ON organisation_themes (theme_id);
CREATE INDEX group_themes_theme_idx ON group_themes (theme_id);
CREATE INDEX decisions_responsible_idx ON decisions (responsible_id);
CREATE INDEX users_organisation_idx ON users (organisation_id);
CREATE INDEX users_person_idx ON users (person_id);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Substring search (SQLite only; PostgreSQL uses pg_trgm on the same columns): FTS5
-- trigram indexes over search_key, kept in step by triggers. The parity test skips the
-- `*_fts*` tables.
CREATE VIRTUAL TABLE organisations_fts USING fts5(search_key, content='organisations', content_rowid='id', tokenize='trigram');
CREATE TRIGGER organisations_fts_insert AFTER INSERT ON organisations BEGIN
    INSERT INTO organisations_fts (rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER organisations_fts_delete AFTER DELETE ON organisations BEGIN
    INSERT INTO organisations_fts (organisations_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER organisations_fts_update AFTER UPDATE OF search_key ON organisations BEGIN
    INSERT INTO organisations_fts (organisations_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO organisations_fts (rowid, search_key) VALUES (new.id, new.search_key);
END;
INSERT INTO organisations_fts (organisations_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE people_fts USING fts5(search_key, content='people', content_rowid='id', tokenize='trigram');
CREATE TRIGGER people_fts_insert AFTER INSERT ON people BEGIN
    INSERT INTO people_fts (rowid, search_key) VALUES (new.id, new.search_key);
END;
CREATE TRIGGER people_fts_delete AFTER DELETE ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER people_fts_update AFTER UPDATE OF search_key ON people BEGIN
    INSERT INTO people_fts (people_fts, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO people_fts (rowid, search_key) VALUES (new.id, new.search_key);
END;
INSERT INTO people_fts (people_fts) VALUES ('rebuild');

-- Any broken reference fails the migration: the CHECK below rejects a non-zero count and
-- the error rolls back everything above.
CREATE TEMP TABLE migration_0006_fk (broken INTEGER CHECK (broken = 0));
INSERT INTO migration_0006_fk SELECT COUNT(*) FROM pragma_foreign_key_check;
DROP TABLE migration_0006_fk;

COMMIT;
PRAGMA foreign_keys = ON;
