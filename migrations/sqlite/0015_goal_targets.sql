-- Issue 9: indicator targets of plan goals, and the welfare report's omissions and
-- narratives (per municipality).

-- A goal links an indicator and an area with a baseline and a target; judged on or off
-- track from the latest value against the straight path between them.
CREATE TABLE goal_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    baseline_value REAL NOT NULL,
    baseline_year INTEGER NOT NULL,
    target_value REAL NOT NULL,
    target_year INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT goal_targets_years_check CHECK (baseline_year < target_year),
    CONSTRAINT goal_targets_link_key UNIQUE (goal_id, indicator_id, area_id)
);
CREATE INDEX goal_targets_indicator_idx ON goal_targets (indicator_id);
CREATE INDEX goal_targets_area_idx ON goal_targets (area_id);

-- An indicator of a set left out of a municipality's welfare report, and why.
CREATE TABLE welfare_omissions (
    area_id INTEGER NOT NULL REFERENCES areas(id),
    set_id INTEGER NOT NULL REFERENCES indicator_sets(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (area_id, set_id, indicator_id)
);
CREATE INDEX welfare_omissions_set_idx ON welfare_omissions (set_id);
CREATE INDEX welfare_omissions_indicator_idx ON welfare_omissions (indicator_id);

-- The coordinators' narrative (Markdown) of a municipality's welfare report for a period.
CREATE TABLE welfare_narratives (
    area_id INTEGER NOT NULL REFERENCES areas(id),
    period_from INTEGER NOT NULL,
    period_to INTEGER NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (area_id, period_from, period_to),
    CONSTRAINT welfare_narratives_period_check CHECK (period_from <= period_to)
);
