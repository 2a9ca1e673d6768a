/**
 * The small context every job handler is written against, so the same handlers run on
 * BullMQ workers and in-process: a fetcher, the store, enqueue, a logger.
 */
import type { Config } from '../config/index.ts';
import type { Fetcher } from '../src/crawl/fetcher.ts';
import type { Db } from '../src/store/db.ts';
import type { RunCounters } from '../src/store/runs.ts';
import type { Logger } from '../src/util/logger.ts';

export interface DiscoverData {
  runId: number;
  legislature: number;
  /** refetch every known question, closed legislatures included */
  full: boolean;
}

export interface FetchQuestionData {
  runId: number;
  id: string;
  /** a fetch already made for this question in this run (by the prober): reuse it, do not ask again */
  reuseFetchIds?: { fr?: number; nl?: number };
  /** the listing shows this number: it exists, so a page that is no question page is a failure to retry, not a miss */
  listed?: boolean;
}

export interface JobDataByKind {
  discover: DiscoverData;
  'fetch-question': FetchQuestionData;
}

export type JobKind = keyof JobDataByKind;
export const JOB_KINDS: readonly JobKind[] = ['discover', 'fetch-question'];

export type JobRequest = { [K in JobKind]: { kind: K; data: JobDataByKind[K] } }[JobKind];

/** The dedup key of a job inside its run: a question is fetched once per run. */
export function jobKey(job: JobRequest): string {
  return job.kind === 'discover' ? `discover-${job.data.legislature}` : `q-${job.data.id}`;
}

export interface JobContext {
  config: Config;
  db: Db;
  fetcher: Fetcher;
  logger: Logger;
  /** Queues jobs of the same run. Idempotent per job key. */
  enqueue(jobs: JobRequest[]): Promise<void>;
  /** Aborted when the worker shuts down or the job is cancelled. */
  signal: AbortSignal;
  attempt: number;
  maxAttempts: number;
}

/** What a job reports; the counters are added to its run once, when the job finishes. */
export interface JobResult {
  outcome: string;
  counters: Partial<RunCounters>;
}

export type Handler<K extends JobKind> = (ctx: JobContext, data: JobDataByKind[K]) => Promise<JobResult>;

/** Attaches what a failed attempt sent (its requests still reached the Senate) to its error; `countersOf` reads it back. */
export function withCounters(e: unknown, counters: Partial<RunCounters>): unknown {
  if (e instanceof Error && !('counters' in e)) Object.defineProperty(e, 'counters', { value: { ...counters }, enumerable: false });
  return e;
}

/** The counters a failed attempt carries (LanguageFetchError, withCounters), or none. */
export function countersOf(e: unknown): Partial<RunCounters> {
  const c = (e as { counters?: unknown } | null)?.counters;
  return c && typeof c === 'object' ? (c as Partial<RunCounters>) : {};
}
