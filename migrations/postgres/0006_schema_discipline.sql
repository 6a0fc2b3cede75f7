-- Schema discipline (issue 5, item 6) and searchable, sortable name keys (item 10).
-- The SQLite twin rebuilds tables to add its CHECKs; here they are added in place, with
-- the same names, so that the parity test (tests/it/migrations.rs) can compare them.

ALTER TABLE areas ADD CONSTRAINT areas_kind_check
    CHECK (kind IN ('country', 'wellbeing_county', 'region', 'subregion', 'hospital_district', 'municipality'));
CREATE INDEX areas_parent_idx ON areas (parent_id);

-- name_key and search_key are lower-cased (Unicode, in Rust: `db::fold`) copies of the
-- names, written by the stores; lower() fills them here and `Db::migrate` refolds the rows
-- with non-ASCII letters, so both databases hold exactly what Rust computes.
ALTER TABLE organisations ADD CONSTRAINT organisations_org_type_check
    CHECK (org_type IN ('municipality', 'wellbeing_county', 'parish', 'ngo', 'national', 'foundation', 'education', 'other'));
ALTER TABLE organisations ADD COLUMN name_key TEXT;
ALTER TABLE organisations ADD COLUMN search_key TEXT;
UPDATE organisations SET name_key = lower(name_fi), search_key = lower(name_fi || chr(10) || name_sv);
ALTER TABLE organisations ALTER COLUMN name_key SET NOT NULL;
ALTER TABLE organisations ALTER COLUMN search_key SET NOT NULL;
DROP INDEX organisations_name_area_key;
CREATE UNIQUE INDEX organisations_name_area_key ON organisations (name_key, COALESCE(area_id, 0));
CREATE INDEX organisations_name_idx ON organisations (name_key, id);
CREATE INDEX organisations_area_idx ON organisations (area_id);
CREATE INDEX organisations_type_idx ON organisations (org_type);

ALTER TABLE work_groups ADD CONSTRAINT work_groups_group_type_check
    CHECK (group_type IN ('coordination', 'expert', 'other'));
ALTER TABLE work_groups ADD CONSTRAINT work_groups_status_check
    CHECK (status IN ('active', 'planned', 'negotiation', 'closed'));
ALTER TABLE work_groups ADD COLUMN name_key TEXT;
ALTER TABLE work_groups ADD COLUMN search_key TEXT;
UPDATE work_groups SET name_key = lower(name_fi), search_key = lower(name_fi || chr(10) || name_sv || chr(10) || name_en);
ALTER TABLE work_groups ALTER COLUMN name_key SET NOT NULL;
ALTER TABLE work_groups ALTER COLUMN search_key SET NOT NULL;
DROP INDEX work_groups_name_key;
CREATE UNIQUE INDEX work_groups_name_key ON work_groups (name_key);
CREATE INDEX work_groups_convener_idx ON work_groups (convener_id);

ALTER TABLE memberships ADD CONSTRAINT memberships_role_check
    CHECK (role IN ('chair', 'convener', 'secretary', 'member', 'lived_experience', 'national_rep'));
ALTER TABLE memberships ADD CONSTRAINT memberships_dates_check
    CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date);
CREATE INDEX memberships_group_idx ON memberships (group_id, person_id);

ALTER TABLE meetings ADD CONSTRAINT meetings_times_check CHECK (ends_at > starts_at);

ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('create', 'update', 'delete', 'erase'));
CREATE INDEX audit_log_user_idx ON audit_log (user_id);

ALTER TABLE people ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN search_key TEXT NOT NULL DEFAULT '';
UPDATE people SET name_key = lower(name), search_key = lower(name || chr(10) || title || chr(10) || email);
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

-- Substring search: trigram GIN indexes (pg_trgm, a trusted extension since PostgreSQL 13:
-- the database owner may create it). It is created once per database in `public` unless it
-- exists already somewhere; the operator class is named with whatever schema holds it,
-- because the search_path may not include that schema (each test runs in its own schema).
-- sqlx holds a per-database advisory lock while migrating, so parallel migrations of
-- several schemas do not race to create the extension. The parity test skips `*_trgm_idx`.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
DO $$
DECLARE
    ext_schema TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
    EXECUTE format('CREATE INDEX organisations_search_trgm_idx ON organisations USING gin (search_key %I.gin_trgm_ops)', ext_schema);
    EXECUTE format('CREATE INDEX people_search_trgm_idx ON people USING gin (search_key %I.gin_trgm_ops)', ext_schema);
END
$$;
