-- Indexes only where a query uses them, CHECKs on the remaining free-text kinds, and the
-- deliberate missing foreign keys said in the schema itself. Runs on PostgreSQL 15+ and PGlite.

-- Indexes no query in src/ uses. An index comes back with the query that needs it.
--   questions_addressee_party indexed author_party (not the addressee); nothing filters on either.
--   questions_status_deadline, questions_answer_date: refetchCandidates selects by legislature
--     (the UNIQUE (legislature, number) index); status and answer_date are only ORed filters.
--   fetches_url, fetches_run: fetches are read by id, and by question for reparse (fetches_question).
--   question_relations_target: relations are read by question_id (the primary key); the search
--     for targets not stored yet scans relations and probes questions by id.
--   changes_*, events_*: nothing reads changes or events yet; change history adds the indexes
--     its queries need.
DROP INDEX questions_addressee_party;
DROP INDEX questions_status_deadline;
DROP INDEX questions_answer_date;
DROP INDEX fetches_url;
DROP INDEX fetches_run;
DROP INDEX question_relations_target;
DROP INDEX changes_question;
DROP INDEX changes_observed;
DROP INDEX events_type_time;
DROP INDEX events_question;

-- A question's id is its legislature and number ({leg}-{nr}), never anything else.
ALTER TABLE questions ADD CONSTRAINT questions_id_is_legislature_number CHECK (id = legislature || '-' || number);

-- The job kinds of jobs/types.ts (JOB_KINDS). A recrawl is a kind of run (crawl_runs.kind), not of job.
ALTER TABLE run_jobs ADD CONSTRAINT run_jobs_kind_known CHECK (kind IN ('discover', 'fetch-question'));

-- The domain event types.
ALTER TABLE events ADD CONSTRAINT events_type_known CHECK (type IN (
  'question_new', 'answer_arrived', 'translation_arrived', 'answer_changed', 'status_changed', 'reminder_sent',
  'deadline_changed', 'reintroduced', 'question_gone', 'question_back', 'field_changed', 'crawl_unhealthy'
));

COMMENT ON COLUMN question_relations.target_id IS
  'No foreign key on purpose: a relation may point at a question not crawled yet (or never: another legislature, a request for explanations); discovery fetches the written-question targets it does not have.';
COMMENT ON COLUMN fetches.question_id IS
  'No foreign key on purpose: a page is archived before (and whether or not) its question is stored: probes of missing numbers, 404s and pages that are not questions are archived too.';
COMMENT ON COLUMN events.question_id IS
  'No foreign key on purpose: the event feed is append-only and is replayed by seq; an event must stay as it was written whatever later happens to the question rows.';
