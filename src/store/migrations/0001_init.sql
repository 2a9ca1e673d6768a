-- The whole data model the crawler, change tracking, monitoring, webhooks and the API stand on.
-- Append-only: never edit a migration that has landed; add the next number.

-- One row per question {leg}-{nr}: the fields both languages share.
CREATE TABLE questions (
  id                 text PRIMARY KEY CHECK (id ~ '^[0-9]{1,2}-[0-9]{1,6}$'),
  legislature        integer NOT NULL,
  number             integer NOT NULL,
  author_name        text,
  author_party       text,
  sent_date          date,
  status             text NOT NULL CHECK (status IN ('pending', 'answered', 'closed', 'lapsed', 'requalified')),
  answer_deadline    date,
  -- true when the Senate printed no deadline and we estimated one (ANATOMY.md: LEG 5 pages).
  deadline_estimated boolean NOT NULL DEFAULT false,
  original_language  text CHECK (original_language IN ('fr', 'nl')),
  answer_date        date,
  -- disagreements between the FR and NL pages on shared fields, as reported by the merge.
  conflicts          jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- sha256 of the normalised record: an unchanged page costs one comparison.
  content_sha256     text,
  parser_version     text,
  first_seen_at      timestamptz NOT NULL DEFAULT now(),
  last_fetched_at    timestamptz,
  last_changed_at    timestamptz,
  -- the Senate stopped serving the question; the row and its history are kept.
  gone_since         timestamptz,
  UNIQUE (legislature, number)
);
CREATE INDEX questions_status_deadline ON questions (status, answer_deadline);
CREATE INDEX questions_answer_date ON questions (answer_date);
CREATE INDEX questions_addressee_party ON questions (author_party);

-- Raw archive: each distinct body stored once, compressed.
CREATE TABLE fetch_bodies (
  sha256      text PRIMARY KEY,
  encoding    text NOT NULL DEFAULT 'gzip' CHECK (encoding IN ('gzip', 'identity')),
  size        integer NOT NULL,
  body        bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE crawl_runs (
  id                  bigserial PRIMARY KEY,
  kind                text NOT NULL DEFAULT 'crawl' CHECK (kind IN ('crawl', 'recrawl', 'reparse')),
  mode                text NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full')),
  legislatures        integer[] NOT NULL DEFAULT '{}',
  options             jsonb NOT NULL DEFAULT '{}'::jsonb,
  status              text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'cancelled')),
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  jobs_total          integer NOT NULL DEFAULT 0,
  jobs_done           integer NOT NULL DEFAULT 0,
  requests            integer NOT NULL DEFAULT 0,
  not_modified        integer NOT NULL DEFAULT 0,
  bytes               bigint NOT NULL DEFAULT 0,
  questions_new       integer NOT NULL DEFAULT 0,
  questions_changed   integer NOT NULL DEFAULT 0,
  questions_unchanged integer NOT NULL DEFAULT 0,
  questions_failed    integer NOT NULL DEFAULT 0,
  error               text
);

-- The jobs of a run, one row per (run, key): enqueueing is idempotent, a job's completion
-- counts once even when a worker dies after doing the work, and a run ends when every row
-- has finished.
CREATE TABLE run_jobs (
  run_id      bigint NOT NULL REFERENCES crawl_runs (id) ON DELETE CASCADE,
  key         text NOT NULL,
  kind        text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     text,
  PRIMARY KEY (run_id, key)
);

-- Every response (and every failed attempt that produced a status) of every run.
CREATE TABLE fetches (
  id           bigserial PRIMARY KEY,
  run_id       bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
  kind         text NOT NULL CHECK (kind IN ('question', 'listing', 'robots', 'probe')),
  url          text NOT NULL,
  question_id  text,
  lang         text CHECK (lang IN ('fr', 'nl')),
  status       integer NOT NULL,
  not_modified boolean NOT NULL DEFAULT false,
  headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
  sha256       text REFERENCES fetch_bodies (sha256),
  fetched_at   timestamptz NOT NULL DEFAULT now(),
  duration_ms  integer,
  -- 'ok', 'not_a_question:<reason>', 'error:<message>'
  outcome      text NOT NULL DEFAULT 'ok'
);
CREATE INDEX fetches_question ON fetches (question_id, lang, fetched_at DESC);
CREATE INDEX fetches_url ON fetches (url, fetched_at DESC);
CREATE INDEX fetches_run ON fetches (run_id);

-- Per-language fields of a question.
CREATE TABLE question_texts (
  question_id    text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  lang           text NOT NULL CHECK (lang IN ('fr', 'nl')),
  title          text NOT NULL,
  addressee      text,
  subject        text,
  keywords       text[] NOT NULL DEFAULT '{}',
  question_text  text NOT NULL DEFAULT '',
  answer_date    date,
  answer_text    text,
  answer_html    text,
  repairs        integer NOT NULL DEFAULT 0,
  unknown_labels text[] NOT NULL DEFAULT '{}',
  content_sha256 text NOT NULL,
  parser_version text NOT NULL,
  fetch_id       bigint REFERENCES fetches (id) ON DELETE SET NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (question_id, lang)
);

-- Chronology, in page order.
CREATE TABLE question_events (
  question_id text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  date        date NOT NULL,
  type        text NOT NULL CHECK (type IN ('sent', 'answered', 'reminder', 'closed', 'lapsed', 'requalified', 'unknown')),
  label       text NOT NULL,
  PRIMARY KEY (question_id, seq)
);

-- Typed links; the target may not be crawled yet (no foreign key on purpose).
CREATE TABLE question_relations (
  question_id text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  seq         integer NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('also_asked_to', 'reintroduced_as', 'reintroduction_of', 'requalified_as', 'requalification_of', 'unknown')),
  target_id   text,
  target_type text CHECK (target_type IN ('written_question', 'request_for_explanations')),
  label       text NOT NULL,
  PRIMARY KEY (question_id, seq)
);
CREATE INDEX question_relations_target ON question_relations (target_id);

-- HTTP validators per URL for conditional GET.
CREATE TABLE http_validators (
  url           text PRIMARY KEY,
  etag          text,
  last_modified text,
  sha256        text,
  content_type  text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Field-level history. lang is null for shared fields.
CREATE TABLE changes (
  id             bigserial PRIMARY KEY,
  question_id    text NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  lang           text CHECK (lang IN ('fr', 'nl')),
  field          text NOT NULL,
  old_value      jsonb,
  new_value      jsonb,
  observed_at    timestamptz NOT NULL DEFAULT now(),
  fetch_id       bigint REFERENCES fetches (id) ON DELETE SET NULL,
  run_id         bigint REFERENCES crawl_runs (id) ON DELETE SET NULL,
  parser_version text NOT NULL
);
CREATE INDEX changes_question ON changes (question_id, observed_at);
CREATE INDEX changes_observed ON changes (observed_at);

-- Typed domain events (question_new, answer_arrived, translation_arrived, status_changed, …).
-- The id is derived from the event's content so that replays and retries cannot duplicate it.
CREATE TABLE events (
  id          text PRIMARY KEY,
  seq         bigserial UNIQUE,
  type        text NOT NULL,
  question_id text NOT NULL,
  lang        text CHECK (lang IN ('fr', 'nl')),
  payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  run_id      bigint REFERENCES crawl_runs (id) ON DELETE SET NULL
);
CREATE INDEX events_type_time ON events (type, occurred_at);
CREATE INDEX events_question ON events (question_id);
