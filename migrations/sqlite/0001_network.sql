-- Foundation schema: users and sessions, audit log, and the network module.
-- PostgreSQL and SQLite trees are kept in lock-step (same numbers, same tables).

CREATE TABLE themes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE areas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    official_code TEXT NOT NULL,
    statfin_code TEXT NOT NULL DEFAULT '',
    sotkanet_id INTEGER,
    parent_id INTEGER REFERENCES areas(id),
    population INTEGER,
    CONSTRAINT areas_kind_code_key UNIQUE (kind, official_code)
);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL,
    area_id INTEGER REFERENCES areas(id),
    website TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisations_name_area_key ON organisations (lower(name_fi), COALESCE(area_id, 0));

CREATE TABLE organisation_themes (
    organisation_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (organisation_id, theme_id)
);

CREATE TABLE people (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    consent_date TEXT,
    lived_experience INTEGER NOT NULL DEFAULT 0,
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE person_organisations (
    person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX person_organisations_org_idx ON person_organisations (organisation_id);

CREATE TABLE work_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    group_type TEXT NOT NULL,
    convener_id INTEGER REFERENCES organisations(id),
    status TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX work_groups_name_key ON work_groups (lower(name_fi));

CREATE TABLE group_themes (
    group_id INTEGER NOT NULL REFERENCES work_groups(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (group_id, theme_id)
);

CREATE TABLE memberships (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES work_groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    start_date TEXT,
    end_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- A person holds at most one open membership in a group at a time; ended ones stay as history.
CREATE UNIQUE INDEX memberships_open_key ON memberships (group_id, person_id) WHERE end_date IS NULL;
CREATE INDEX memberships_person_idx ON memberships (person_id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id INTEGER NOT NULL REFERENCES work_groups(id),
    title TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    is_public INTEGER NOT NULL DEFAULT 0,
    minutes TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_group_idx ON meetings (group_id, starts_at);
CREATE INDEX meetings_starts_idx ON meetings (starts_at);

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting_idx ON agenda_items (meeting_id, position);

CREATE TABLE decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    responsible_id INTEGER REFERENCES organisations(id),
    due_date TEXT
);
CREATE INDEX decisions_meeting_idx ON decisions (meeting_id);

CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people(id),
    present INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    person_id INTEGER REFERENCES people(id),
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user_id INTEGER,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
