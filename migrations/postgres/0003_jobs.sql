-- Background jobs: queued work that any instance's worker may claim (see src/jobs/).
-- A job is claimed atomically, holds a lease it renews while it runs (a job whose worker
-- died is claimed again once the lease has expired), and records progress and a
-- checkpoint so that a resumed job does not repeat work it has committed.

CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    -- JSON: the job's input, written when it is queued.
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'queued'
        CONSTRAINT jobs_status_check CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT,
    -- JSON: where a resumed run continues, written by the handler with its work.
    checkpoint TEXT,
    -- JSON: what a succeeded job produced.
    result TEXT,
    -- A message key (locales/*/jobs.ftl) saying why the job failed.
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 3 CONSTRAINT jobs_max_attempts_check CHECK (max_attempts >= 1),
    run_after TIMESTAMPTZ NOT NULL,
    locked_by TEXT,
    lease_until TIMESTAMPTZ,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
-- The claim query looks for queued jobs that are due and for running ones whose lease expired.
CREATE INDEX jobs_claim_idx ON jobs (status, run_after);
CREATE INDEX jobs_created_by_idx ON jobs (created_by);
