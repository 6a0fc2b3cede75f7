-- Edit conflicts: every editable row carries a version, raised by one on every change, so
-- that a save based on an older version is refused instead of silently overwriting.
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE work_groups ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE meetings ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE memberships ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE areas ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
