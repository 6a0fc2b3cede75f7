-- The knowledge room (DOMAIN.md module "Knowledge", issue 8): the indicator catalogue and
-- its sets, imports with their summaries, indicator values per area, year and sex (one
-- current row each; earlier versions kept in indicator_value_revisions), and the areas'
-- history (validity, successors, membership of wider areas by year).

-- Areas change: a municipality merges into another (Nastola into Lahti in 2016), or moves
-- to another region (Iitti to Päijät-Häme in 2021). Years are inclusive; NULL = open.
ALTER TABLE areas ADD COLUMN valid_from INTEGER;
ALTER TABLE areas ADD COLUMN valid_to INTEGER CONSTRAINT areas_validity_check CHECK (valid_from IS NULL OR valid_to IS NULL OR valid_from <= valid_to);
ALTER TABLE areas ADD COLUMN successor_id BIGINT REFERENCES areas(id);
CREATE INDEX areas_successor_idx ON areas (successor_id);
CREATE INDEX areas_sotkanet_idx ON areas (sotkanet_id);

-- Which wider area (region, wellbeing services county, …) an area belonged to, and when.
-- A region's members in a year are the rows valid in that year.
CREATE TABLE area_memberships (
    area_id BIGINT NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
    parent_id BIGINT NOT NULL REFERENCES areas(id) ON DELETE CASCADE,
    valid_from INTEGER NOT NULL DEFAULT 1900,
    valid_to INTEGER NOT NULL DEFAULT 2200,
    PRIMARY KEY (area_id, parent_id, valid_from),
    CONSTRAINT area_memberships_years_check CHECK (valid_from <= valid_to)
);
CREATE INDEX area_memberships_parent_idx ON area_memberships (parent_id, valid_from);

CREATE TABLE indicators (
    id BIGSERIAL PRIMARY KEY,
    source TEXT NOT NULL CONSTRAINT indicators_source_check CHECK (source IN ('sotkanet', 'statfin', 'local')),
    -- The id in its source ('289' for Sotkanet; a table and content code for PxWeb).
    source_id TEXT NOT NULL,
    title_fi TEXT NOT NULL,
    title_sv TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    -- Sanitised HTML from the source, or the coordinators' own text.
    description_fi TEXT NOT NULL DEFAULT '',
    description_sv TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    limits_fi TEXT NOT NULL DEFAULT '',
    limits_sv TEXT NOT NULL DEFAULT '',
    limits_en TEXT NOT NULL DEFAULT '',
    value_type TEXT NOT NULL CONSTRAINT indicators_value_type_check CHECK (value_type IN ('percent', 'per_1000', 'per_10000', 'per_100000', 'count', 'euros', 'litres', 'index', 'other')),
    decimals INTEGER NOT NULL DEFAULT 1,
    -- Not given by Sotkanet; coordinators set it.
    polarity TEXT NOT NULL DEFAULT 'none' CONSTRAINT indicators_polarity_check CHECK (polarity IN ('higher_better', 'lower_better', 'none')),
    producer TEXT NOT NULL DEFAULT '',
    attribution TEXT NOT NULL DEFAULT '',
    -- When the source last changed the metadata (Sotkanet's `data-updated` and the like).
    source_updated TEXT NOT NULL DEFAULT '',
    is_example BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT indicators_decimals_check CHECK (decimals BETWEEN 0 AND 6),
    CONSTRAINT indicators_source_key UNIQUE (source, source_id)
);

CREATE TABLE indicator_themes (
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    theme_id BIGINT NOT NULL REFERENCES themes(id),
    PRIMARY KEY (indicator_id, theme_id)
);
CREATE INDEX indicator_themes_theme_idx ON indicator_themes (theme_id);

-- Sets: the substance key indicators, KUVA, THL's minimum list for the municipal welfare
-- report, the region's own. Data that coordinators edit, not code.
CREATE TABLE indicator_sets (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    description_fi TEXT NOT NULL DEFAULT '',
    description_sv TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT indicator_sets_key_key UNIQUE (key)
);

CREATE TABLE indicator_set_members (
    set_id BIGINT NOT NULL REFERENCES indicator_sets(id) ON DELETE CASCADE,
    indicator_id BIGINT NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (set_id, indicator_id)
);
CREATE INDEX indicator_set_members_indicator_idx ON indicator_set_members (indicator_id);

-- One row per import (command line, web upload, demo, benchmark), audited as one entry.
CREATE TABLE imports (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CONSTRAINT imports_kind_check CHECK (kind IN ('sotkanet_api', 'sotkanet_dir', 'csv', 'xlsx', 'jsonstat', 'demo', 'bench')),
    -- File name or URL.
    source_name TEXT NOT NULL DEFAULT '',
    -- When the data was fetched from its source (a Sotkanet cache's time), if known.
    vintage TIMESTAMPTZ,
    status TEXT NOT NULL DEFAULT 'running' CONSTRAINT imports_status_check CHECK (status IN ('running', 'done', 'failed')),
    rows_read BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    unchanged BIGINT NOT NULL DEFAULT 0,
    rejected BIGINT NOT NULL DEFAULT 0,
    -- The first errors (line and reason) of a failed import, or notes of a done one.
    message TEXT NOT NULL DEFAULT '',
    -- Synthetic (demo, benchmark) data is labelled as such wherever it is shown.
    is_synthetic BOOLEAN NOT NULL DEFAULT FALSE,
    user_id BIGINT REFERENCES users(id),
    job_id BIGINT REFERENCES jobs(id),
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX imports_user_idx ON imports (user_id);
CREATE INDEX imports_job_idx ON imports (job_id);

-- The current value of each indicator × area × year × sex. The key starts with the area:
-- "one municipality, every indicator of a set" is the question asked most.
-- sex: 0 = total, 1 = male, 2 = female. count = Sotkanet's absValue.
CREATE TABLE indicator_values (
    area_id BIGINT NOT NULL REFERENCES areas(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    year INTEGER NOT NULL,
    sex INTEGER NOT NULL,
    value DOUBLE PRECISION,
    count DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    import_id BIGINT NOT NULL REFERENCES imports(id),
    PRIMARY KEY (area_id, indicator_id, year, sex),
    CONSTRAINT indicator_values_sex_check CHECK (sex IN (0, 1, 2)),
    CONSTRAINT indicator_values_year_check CHECK (year BETWEEN 1900 AND 2200)
);
-- For "every area's value of one indicator" (indicator pages, funnel plots).
CREATE INDEX indicator_values_indicator_idx ON indicator_values (indicator_id, year);
CREATE INDEX indicator_values_import_idx ON indicator_values (import_id);

-- Earlier versions of revised values: the row as it was, the import that brought it and
-- the import that replaced it.
CREATE TABLE indicator_value_revisions (
    id BIGSERIAL PRIMARY KEY,
    area_id BIGINT NOT NULL REFERENCES areas(id),
    indicator_id BIGINT NOT NULL REFERENCES indicators(id),
    year INTEGER NOT NULL,
    sex INTEGER NOT NULL,
    value DOUBLE PRECISION,
    count DOUBLE PRECISION,
    denominator DOUBLE PRECISION,
    import_id BIGINT NOT NULL REFERENCES imports(id),
    replaced_by BIGINT NOT NULL REFERENCES imports(id),
    replaced_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX indicator_value_revisions_key_idx ON indicator_value_revisions (area_id, indicator_id, year, sex);
CREATE INDEX indicator_value_revisions_indicator_idx ON indicator_value_revisions (indicator_id);
CREATE INDEX indicator_value_revisions_import_idx ON indicator_value_revisions (import_id);
CREATE INDEX indicator_value_revisions_replaced_idx ON indicator_value_revisions (replaced_by);
