-- The fleet's reaper (workers/reaper.ts) queues a ledger job again when its queue entry is gone
-- (Redis restarted empty, a job BullMQ gave up on without finishing it in the ledger). It
-- counts how often, so that a job that keeps vanishing fails with the reason instead of
-- keeping its run `running` for ever.
ALTER TABLE run_jobs ADD COLUMN requeues integer NOT NULL DEFAULT 0 CHECK (requeues >= 0);

COMMENT ON COLUMN run_jobs.requeues IS
  'How often the reaper queued this job again after its queue entry was lost; past a bound the job fails.';
