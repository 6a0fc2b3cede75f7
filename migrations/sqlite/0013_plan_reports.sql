-- Annual reports of a plan (issue 7): a report is a plan and a period with the
-- coordinators' narratives (a draft, edited with a version); publishing freezes a snapshot
-- (the data it used as JSON and the rendered content in each language) that reads the same
-- forever. A plan can be started from a report (the next plan), and its goals and actions
-- carried over remember where they came from.
CREATE TABLE plan_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    from_year INTEGER NOT NULL,
    to_year INTEGER NOT NULL,
    -- {"intro": "…", "promise-12": "…"}: Markdown, keyed by the section part it belongs to.
    narratives TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT plan_reports_years_check CHECK (from_year <= to_year)
);
CREATE UNIQUE INDEX plan_reports_period_idx ON plan_reports (plan_id, from_year, to_year);

CREATE TABLE plan_report_snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id INTEGER NOT NULL REFERENCES plan_reports(id),
    data TEXT NOT NULL,
    html_fi TEXT NOT NULL,
    html_sv TEXT NOT NULL,
    html_en TEXT NOT NULL,
    published_at TEXT NOT NULL
);
CREATE INDEX plan_report_snapshots_report_idx ON plan_report_snapshots (report_id, id);

ALTER TABLE plans ADD COLUMN based_on_report_id INTEGER REFERENCES plan_reports(id);
CREATE INDEX plans_based_on_report_idx ON plans (based_on_report_id);
ALTER TABLE plan_goals ADD COLUMN previous_goal_id INTEGER REFERENCES plan_goals(id) ON DELETE SET NULL;
CREATE INDEX plan_goals_previous_idx ON plan_goals (previous_goal_id);
ALTER TABLE plan_actions ADD COLUMN previous_action_id INTEGER REFERENCES plan_actions(id) ON DELETE SET NULL;
CREATE INDEX plan_actions_previous_idx ON plan_actions (previous_action_id);
