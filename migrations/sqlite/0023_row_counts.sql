-- Exact row counts kept by triggers, for the unfiltered total of a large list (see the
-- PostgreSQL migration of the same number): the JSON list of organisations counts
-- exactly, and `SELECT COUNT(*)` read a whole index of 20,000 organisations on every
-- request. The triggers run in the inserting or deleting transaction.
CREATE TABLE row_counts (
    name TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);

INSERT INTO row_counts (name, n) SELECT 'organisations', COUNT(*) FROM organisations;

CREATE TRIGGER organisations_count_insert AFTER INSERT ON organisations BEGIN
    UPDATE row_counts SET n = n + 1 WHERE name = 'organisations';
END;
CREATE TRIGGER organisations_count_delete AFTER DELETE ON organisations BEGIN
    UPDATE row_counts SET n = n - 1 WHERE name = 'organisations';
END;
