-- One request budget per host for every process sharing this database when there is no Redis
-- (in-process crawls on PostgreSQL): the state of src/crawl/rate-limit.ts's GCRA, on the
-- database's clock, in microseconds since the epoch (src/store/rate-budget.ts). Unlogged: the
-- state is worth nothing after a crash, and a commit that waits for no WAL flush holds the
-- row's lock for a fraction of a millisecond, so the next caller reads the clock on time.
CREATE UNLOGGED TABLE rate_budget (
  host            text PRIMARY KEY,
  -- the next free slot
  next_free_us    bigint NOT NULL DEFAULT 0,
  -- the last request let through, and who was let through (a token per acquire)
  last_sent_us    bigint NOT NULL DEFAULT 0,
  last_sender     text,
  -- Retry-After or an open circuit: nobody sends before this
  paused_until_us bigint NOT NULL DEFAULT 0
);

-- A crawl is admitted only when no running crawl overlaps it: find the running ones at once.
CREATE INDEX crawl_runs_running ON crawl_runs (kind) WHERE status = 'running';
