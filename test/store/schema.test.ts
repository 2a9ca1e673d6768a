import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_KINDS } from '../../jobs/types.ts';
import { pgliteTestDb, pgTestDb, type TestDb } from '../helpers/db.ts';

const EVENT_TYPES = [
  'question_new', 'answer_arrived', 'translation_arrived', 'answer_changed', 'status_changed', 'reminder_sent',
  'deadline_changed', 'reintroduced', 'question_gone', 'question_back', 'field_changed', 'crawl_unhealthy',
];
const CHECK_VIOLATION = '23514';

describe.each([
  ['PostgreSQL', pgTestDb],
  ['PGlite', pgliteTestDb],
] as const)('the migrated schema on %s', (_engine, open) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.drop();
  });

  /** Runs `sql` in a transaction that is always rolled back; returns null when it succeeded, else its SQLSTATE. */
  async function sqlstate(sql: string, params: unknown[] = []): Promise<string | null> {
    const rollback = new Error('rollback');
    try {
      await t.db.transaction(async (tx) => {
        await tx.query(sql, params);
        throw rollback;
      });
    } catch (e) {
      if (e === rollback) return null;
      return (e as { code?: string }).code ?? `no SQLSTATE: ${(e as Error).message}`;
    }
    throw new Error('the transaction was not rolled back');
  }

  describe('indexes', () => {
    it('keeps only the keys and the indexes a query uses (fetches by question for reparse, running crawls for admission); a migration that adds one says so here', async () => {
      const { rows } = await t.db.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1');
      expect(rows.map((r) => r.indexname)).toEqual([
        'changes_pkey', 'changes_question', 'circuit_breakers_pkey', 'crawl_runs_pkey', 'crawl_runs_running', 'crawl_runs_schedule_due', 'events_occurred', 'events_pkey',
        'events_question_seq', 'events_seq_key', 'events_type_seq', 'fetch_bodies_pkey', 'fetches_pkey', 'fetches_question',
        'http_validators_pkey', 'question_events_pkey', 'question_misses_pkey', 'question_origins_pkey', 'question_relations_pkey', 'question_texts_pkey',
        'question_texts_search_fr', 'question_texts_search_nl',
        'questions_addressee_key', 'questions_legislature_number_key', 'questions_pkey', 'questions_sent_order', 'rate_budget_pkey', 'run_jobs_pkey',
        'schema_migrations_pkey', 'webhook_attempts_delivery', 'webhook_attempts_pkey', 'webhook_deliveries_due',
        'webhook_deliveries_event_id_endpoint_key', 'webhook_deliveries_pkey',
      ]);
    });
  });

  describe('questions.id', () => {
    const insert = (id: string, legislature: number, number: number) =>
      sqlstate(`INSERT INTO questions (id, legislature, number, status) VALUES ($1, $2, $3, 'pending')`, [id, legislature, number]);

    it('is its legislature and number', async () => {
      expect(await insert('5-3820', 5, 3820)).toBeNull();
    });

    it('refuses an id that says another legislature or number, or spells them otherwise', async () => {
      expect(await insert('5-3820', 5, 3821)).toBe(CHECK_VIOLATION);
      expect(await insert('5-3820', 6, 3820)).toBe(CHECK_VIOLATION);
      expect(await insert('05-3820', 5, 3820)).toBe(CHECK_VIOLATION);
    });
  });

  describe('run_jobs.kind', () => {
    it('takes every job kind of jobs/types.ts and nothing else', async () => {
      const run = await t.db.query<{ id: number }>(`INSERT INTO crawl_runs (legislatures) VALUES ('{8}') RETURNING id`);
      const insert = (kind: string) => sqlstate(`INSERT INTO run_jobs (run_id, key, kind) VALUES ($1, 'k', $2)`, [run.rows[0]!.id, kind]);
      for (const kind of JOB_KINDS) expect(await insert(kind)).toBeNull();
      expect(await insert('recrawl')).toBe(CHECK_VIOLATION);
      const { rows } = await t.db.query<{ def: string }>(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'run_jobs_kind_known' AND connamespace = current_schema()::regnamespace`,
      );
      expect([...rows[0]!.def.matchAll(/'([^']+)'/g)].map((m) => m[1]).sort()).toEqual([...JOB_KINDS].sort());
    });
  });

  describe('events.type', () => {
    it('takes the domain event types and nothing else', async () => {
      const insert = (type: string) => sqlstate(`INSERT INTO events (id, type, question_id) VALUES ($1, $2, '8-1')`, [`e-${type}`, type]);
      for (const type of EVENT_TYPES) expect(await insert(type)).toBeNull();
      expect(await insert('answer_arived')).toBe(CHECK_VIOLATION);
    });
  });

  describe('the foreign keys left out on purpose', () => {
    it('are said in a comment on each column, and are indeed absent', async () => {
      for (const [table, column] of [['question_relations', 'target_id'], ['fetches', 'question_id'], ['events', 'question_id']] as const) {
        const { rows } = await t.db.query<{ comment: string | null; fks: number }>(
          `SELECT col_description(c.oid, a.attnum) AS comment,
                  (SELECT count(*)::int FROM pg_constraint k WHERE k.conrelid = c.oid AND k.contype = 'f' AND a.attnum = ANY (k.conkey)) AS fks
             FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
            WHERE c.relname = $1 AND a.attname = $2 AND c.relnamespace = current_schema()::regnamespace`,
          [table, column],
        );
        expect(rows[0]).toEqual({ comment: expect.stringMatching(/^No foreign key on purpose: /), fks: 0 });
      }
    });
  });
});
