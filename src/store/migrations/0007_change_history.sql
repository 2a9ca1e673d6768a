-- Change history, typed events, the webhook outbox and scheduled runs (issue 9).
-- Runs on PostgreSQL 15+ and PGlite.

-- changes: one row per changed field of a question, per language (lang null: a shared field).
--   cause  'senate': the Senate's page changed; 'parser': a reparse with a newer parser read
--          the same archived page differently (parser_version says which parser).
--   kind   'changed': old_value → new_value was stored; 'source_field_missing': the page no
--          longer shows a field we hold, and the stored value was kept (new_value is null).
ALTER TABLE changes ADD COLUMN cause text NOT NULL DEFAULT 'senate' CHECK (cause IN ('senate', 'parser'));
ALTER TABLE changes ADD COLUMN kind text NOT NULL DEFAULT 'changed' CHECK (kind IN ('changed', 'source_field_missing'));
-- `history <id>`: a question's changes in order.
CREATE INDEX changes_question ON changes (question_id, id);

-- The first stored version of each question (canonical JSON of the bilingual record, as the
-- field table writes it): replaying the question's changes from it reproduces its current row.
CREATE TABLE question_origins (
  question_id    text PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
  record         jsonb NOT NULL,
  observed_at    timestamptz NOT NULL DEFAULT now(),
  run_id         bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
  fetch_ids      jsonb NOT NULL DEFAULT '{}'::jsonb,
  parser_version text NOT NULL
);

-- Events that are about a run, not a question (crawl_unhealthy), have no question.
ALTER TABLE events ALTER COLUMN question_id DROP NOT NULL;
-- The event stream is read by seq (cursor), by type, by question, and by time.
CREATE INDEX events_type_seq ON events (type, seq);
CREATE INDEX events_question_seq ON events (question_id, seq);
CREATE INDEX events_occurred ON events (occurred_at);

-- The webhook outbox: one row per (event, endpoint), written in the same transaction as the
-- event, so an event is delivered at least once whatever crashes when. `endpoint` is the
-- configured URL (WEBHOOKS). Delivered with the event's id as `webhook-id`.
CREATE TABLE webhook_deliveries (
  id              bigserial PRIMARY KEY,
  event_id        text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
  endpoint        text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_attempt_at timestamptz,
  last_status     integer,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  UNIQUE (event_id, endpoint)
);
-- The dispatcher takes due pending deliveries (FOR UPDATE SKIP LOCKED).
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';

-- Every attempt of every delivery (the `webhooks` command shows the last errors).
CREATE TABLE webhook_attempts (
  id           bigserial PRIMARY KEY,
  delivery_id  bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  status       integer,
  error        text,
  duration_ms  integer
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Run kinds: a nightly crawl is a 'crawl' started by a schedule; 'watch' is the frequent
-- answer watch (questions that expect an answer soon); 'recrawl' is one or more questions now.
-- A due time that found its previous run still going is recorded as a 'skipped' run.
ALTER TABLE crawl_runs DROP CONSTRAINT crawl_runs_kind_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_kind_check CHECK (kind IN ('crawl', 'recrawl', 'reparse', 'watch'));
ALTER TABLE crawl_runs DROP CONSTRAINT crawl_runs_status_check;
ALTER TABLE crawl_runs ADD CONSTRAINT crawl_runs_status_check CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'cancelled', 'skipped'));
-- A scheduled run names its schedule and the due time it is for: one run per due time, however
-- many workers saw it come due.
ALTER TABLE crawl_runs ADD COLUMN schedule_id text;
ALTER TABLE crawl_runs ADD COLUMN scheduled_for timestamptz;
CREATE UNIQUE INDEX crawl_runs_schedule_due ON crawl_runs (schedule_id, scheduled_for) WHERE schedule_id IS NOT NULL;

-- The addressee, normalised across the FR and NL spellings and the small variants of one
-- minister's title (src/senate/addressee.ts), for `pending --addressee` and `lateness`. The raw
-- strings stay in question_texts.addressee.
ALTER TABLE questions ADD COLUMN addressee_key text;
CREATE INDEX questions_addressee_key ON questions (addressee_key);
