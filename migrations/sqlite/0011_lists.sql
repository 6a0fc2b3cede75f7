-- Lists at scale (issue 5 item 10): on PostgreSQL this migration makes name keys compare
-- byte by byte (COLLATE "C"). SQLite's name_key columns use its default BINARY collation,
-- which already compares bytes, so nothing changes here; the file keeps the migration
-- numbers of both databases in step.
SELECT 1;
