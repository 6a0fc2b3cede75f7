-- Foundation schema: users and sessions, audit log, and the network module.
-- PostgreSQL and SQLite trees are kept in lock-step (same numbers, same tables).

CREATE TABLE themes (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    name_en TEXT NOT NULL,
    sort_order BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE areas (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    official_code TEXT NOT NULL,
    statfin_code TEXT NOT NULL DEFAULT '',
    sotkanet_id BIGINT,
    parent_id BIGINT REFERENCES areas(id),
    population BIGINT,
    CONSTRAINT areas_kind_code_key UNIQUE (kind, official_code)
);

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    org_type TEXT NOT NULL,
    area_id BIGINT REFERENCES areas(id),
    website TEXT NOT NULL DEFAULT '',
    is_example BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX organisations_name_area_key ON organisations (lower(name_fi), COALESCE(area_id, 0));

CREATE TABLE organisation_themes (
    organisation_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes(id),
    PRIMARY KEY (organisation_id, theme_id)
);

CREATE TABLE people (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    consent_date DATE,
    lived_experience BOOLEAN NOT NULL DEFAULT FALSE,
    is_example BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE person_organisations (
    person_id BIGINT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (person_id, organisation_id)
);
CREATE INDEX person_organisations_org_idx ON person_organisations (organisation_id);

CREATE TABLE work_groups (
    id BIGSERIAL PRIMARY KEY,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    group_type TEXT NOT NULL,
    convener_id BIGINT REFERENCES organisations(id),
    status TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_example BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX work_groups_name_key ON work_groups (lower(name_fi));

CREATE TABLE group_themes (
    group_id BIGINT NOT NULL REFERENCES work_groups(id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes(id),
    PRIMARY KEY (group_id, theme_id)
);

CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES work_groups(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    role TEXT NOT NULL,
    start_date DATE,
    end_date DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
-- A person holds at most one open membership in a group at a time; ended ones stay as history.
CREATE UNIQUE INDEX memberships_open_key ON memberships (group_id, person_id) WHERE end_date IS NULL;
CREATE INDEX memberships_person_idx ON memberships (person_id);

CREATE TABLE meetings (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES work_groups(id),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    minutes TEXT NOT NULL DEFAULT '',
    is_example BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_group_idx ON meetings (group_id, starts_at);
CREATE INDEX meetings_starts_idx ON meetings (starts_at);

CREATE TABLE agenda_items (
    id BIGSERIAL PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX agenda_items_meeting_idx ON agenda_items (meeting_id, position);

CREATE TABLE decisions (
    id BIGSERIAL PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    responsible_id BIGINT REFERENCES organisations(id),
    due_date DATE
);
CREATE INDEX decisions_meeting_idx ON decisions (meeting_id);

CREATE TABLE attendance (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES people(id),
    present BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (meeting_id, person_id)
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations(id),
    person_id BIGINT REFERENCES people(id),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email_idx ON login_failures (email, at);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
