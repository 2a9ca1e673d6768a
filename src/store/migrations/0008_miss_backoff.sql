-- Misses: a question the Senate did not serve (404/410, or a body that is no question page) on
-- consecutive runs. One bad response never marks a question gone: it is gone only after
-- GONE_AFTER_MISSES misses spanning GONE_AFTER_DAYS, and meanwhile (and after) it is asked for
-- again on a backoff (1 day doubling to 30). A linked question the Senate does not serve, never
-- stored, is kept here too (no foreign key), so that it is not asked for on every run.
-- Seeing the question again deletes its row. Runs on PostgreSQL 15+ and PGlite.
CREATE TABLE question_misses (
  question_id   text PRIMARY KEY,
  misses        integer NOT NULL CHECK (misses > 0),
  first_miss_at timestamptz NOT NULL,
  last_miss_at  timestamptz NOT NULL,
  next_retry_at timestamptz NOT NULL,
  -- one miss per run: a job that runs twice in a run (a crashed worker) counts once
  last_run_id   bigint,
  last_reason   text
);
