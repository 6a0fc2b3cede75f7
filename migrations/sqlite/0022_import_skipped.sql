-- The rows an import left out on purpose (a Sotkanet folder's rows of regions Tuuli does
-- not keep, JSON-stat cells without a value), until now only printed by the command line
-- (issue 8): kept with the import's other counts, shown on its page and in the API.
ALTER TABLE imports ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
