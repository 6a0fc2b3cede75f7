-- Members' view: group descriptions and meeting titles in Swedish and English too (shown
-- in the reader's language, Finnish when missing), and each user's private calendar feed,
-- reached with a revocable secret (stored only as its SHA-256) since calendar programs
-- cannot sign in.
ALTER TABLE work_groups ADD COLUMN description_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE work_groups ADD COLUMN description_en TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN title_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE meetings ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN calendar_token_hash TEXT;
CREATE UNIQUE INDEX users_calendar_token_key ON users (calendar_token_hash);
