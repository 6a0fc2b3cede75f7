-- The plan module (DOMAIN.md module 2): the region's wellbeing plan as plan → service
-- promise → goal → action, with progress updates kept as history (the latest is shown).
CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title_fi TEXT NOT NULL,
    title_sv TEXT NOT NULL DEFAULT '',
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CONSTRAINT plans_status_check CHECK (status IN ('draft', 'approved', 'archived')),
    description TEXT NOT NULL DEFAULT '',
    published INTEGER NOT NULL DEFAULT 0,
    based_on TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT plans_years_check CHECK (start_year <= end_year)
);

CREATE TABLE plan_promises (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    position INTEGER NOT NULL DEFAULT 0,
    title_fi TEXT NOT NULL,
    title_sv TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_promises_plan_idx ON plan_promises (plan_id);

CREATE TABLE plan_goals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    promise_id INTEGER NOT NULL REFERENCES plan_promises(id),
    position INTEGER NOT NULL DEFAULT 0,
    title_fi TEXT NOT NULL,
    title_sv TEXT NOT NULL DEFAULT '',
    title_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    is_example INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX plan_goals_promise_idx ON plan_goals (promise_id);

CREATE TABLE plan_goal_themes (
    goal_id INTEGER NOT NULL REFERENCES plan_goals(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (goal_id, theme_id)
);
CREATE INDEX plan_goal_themes_theme_idx ON plan_goal_themes (theme_id);

CREATE TABLE plan_actions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    goal_id INTEGER NOT NULL REFERENCES plan_goals(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    lead_organisation_id INTEGER REFERENCES organisations(id),
    start_date TEXT,
    end_date TEXT,
    planned_euros REAL,
    planned_days REAL,
    source_decision_id INTEGER REFERENCES decisions(id),
    -- Placeholders for the method and indicator modules (no tables yet).
    method_id INTEGER,
    indicator_id INTEGER,
    is_example INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT plan_actions_dates_check CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date),
    CONSTRAINT plan_actions_planned_euros_check CHECK (planned_euros IS NULL OR planned_euros >= 0),
    CONSTRAINT plan_actions_planned_days_check CHECK (planned_days IS NULL OR planned_days >= 0)
);
CREATE INDEX plan_actions_goal_idx ON plan_actions (goal_id);
CREATE INDEX plan_actions_lead_idx ON plan_actions (lead_organisation_id);
CREATE INDEX plan_actions_decision_idx ON plan_actions (source_decision_id);

CREATE TABLE plan_action_organisations (
    action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (action_id, organisation_id)
);
CREATE INDEX plan_action_organisations_org_idx ON plan_action_organisations (organisation_id);

CREATE TABLE plan_action_areas (
    action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    area_id INTEGER NOT NULL REFERENCES areas(id),
    PRIMARY KEY (action_id, area_id)
);
CREATE INDEX plan_action_areas_area_idx ON plan_action_areas (area_id);

CREATE TABLE plan_action_themes (
    action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    theme_id INTEGER NOT NULL REFERENCES themes(id),
    PRIMARY KEY (action_id, theme_id)
);
CREATE INDEX plan_action_themes_theme_idx ON plan_action_themes (theme_id);

CREATE TABLE plan_progress (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    action_id INTEGER NOT NULL REFERENCES plan_actions(id) ON DELETE CASCADE,
    report_date TEXT NOT NULL,
    status TEXT NOT NULL CONSTRAINT plan_progress_status_check CHECK (status IN ('not_started', 'on_track', 'delayed', 'done', 'cancelled')),
    percent INTEGER NOT NULL CONSTRAINT plan_progress_percent_check CHECK (percent BETWEEN 0 AND 100),
    narrative TEXT NOT NULL DEFAULT '',
    euros_used REAL CONSTRAINT plan_progress_euros_used_check CHECK (euros_used IS NULL OR euros_used >= 0),
    days_used REAL CONSTRAINT plan_progress_days_used_check CHECK (days_used IS NULL OR days_used >= 0),
    evidence TEXT NOT NULL DEFAULT '',
    author_id INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX plan_progress_action_idx ON plan_progress (action_id, report_date, id);
CREATE INDEX plan_progress_author_idx ON plan_progress (author_id);
