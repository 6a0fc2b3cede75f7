-- Security hardening (issue 6).

-- Sign-in throttling counts per account, per client address and per pair of them.
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_client_idx ON login_failures (client, at);
CREATE INDEX login_failures_at_idx ON login_failures (at);

-- Erasure: history that must stay (a membership existed, a meeting had N attendees) points
-- to an anonymous tombstone, one per history row, so that nothing links the rows together.
ALTER TABLE people ADD COLUMN erased BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX people_erased_idx ON people (erased);
