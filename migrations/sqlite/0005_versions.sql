-- Edit conflicts: every editable row carries a version, raised by one on every change, so
-- that a save based on an older version is refused instead of silently overwriting.
ALTER TABLE organisations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE people ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE work_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE meetings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE memberships ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE areas ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
