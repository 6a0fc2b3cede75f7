-- The plan pages read, for every action of a plan, its latest progress update (status,
-- percent, date) and the sums of the resources its updates report. With the old index on
-- (action_id, report_date, id) each of the 10,000 updates of a large plan was a lookup in
-- the table as well; with these columns in the index the reads stay in the index. The new
-- index has the old one's columns first, so it serves the old one's uses and replaces it.
CREATE INDEX plan_progress_latest_idx ON plan_progress (action_id, report_date, id, status, percent, euros_used, days_used);
DROP INDEX plan_progress_action_idx;
