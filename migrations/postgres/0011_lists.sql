-- Lists at scale (issue 5 item 10): name keys compare byte by byte.
--
-- name_key is already folded in Rust (db::keys::fold), so it needs no linguistic
-- collation; with the database's default (e.g. C.UTF-8 or fi_FI.UTF-8) every comparison
-- went through strcoll(), and sorting the 1,700 matches of a search by name took about
-- 15 ms. The "C" collation compares bytes (memcmp, abbreviated keys), which for UTF-8 is
-- code point order — the order SQLite's BINARY collation gives, so both databases now
-- sort names identically. The indexes on name_key are rebuilt by ALTER TYPE.
ALTER TABLE organisations ALTER COLUMN name_key TYPE TEXT COLLATE "C";
ALTER TABLE work_groups ALTER COLUMN name_key TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN name_key TYPE TEXT COLLATE "C";
