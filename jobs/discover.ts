/**
 * discover: find the questions of one legislature and queue their fetches.
 * 1. the listing pages (LISTING_URL_TEMPLATE), following pagination;
 * 2. without a usable listing: probe the numbers after the highest known one until
 *    PROBE_MISSES consecutive misses (each hit is archived and reused by its fetch job);
 * 3. relation links to questions not stored yet.
 * A default run queues new numbers and the questions that can still change; closed
 * legislatures only get new numbers unless the run is --full.
 */
import { decodeBody } from '../src/text/charset.ts';
import { parseListingPage } from '../src/senate/listing-page.ts';
import { parseQuestionPage } from '../src/senate/question-page.ts';
import { questionId, questionUrl } from '../src/senate/urls.ts';
import { highestKnownNumber, knownIds, refetchCandidates, unknownRelationTargets } from '../src/store/questions.ts';
import { emptyCounters, fetchPage, type Counters } from './fetch-page.ts';
import { withCounters, type DiscoverData, type FetchQuestionData, type JobContext, type JobRequest, type JobResult } from './types.ts';

/** A hard stop against a listing whose pagination never ends. */
const MAX_LISTING_PAGES = 5_000;

export function listingUrl(template: string, base: string, legislature: number, page: number, lang = 'nl'): string {
  const filled = template.replaceAll('{leg}', String(legislature)).replaceAll('{lang}', lang).replaceAll('{page}', String(page));
  return new URL(filled, base.replace(/\/+$/, '') + '/').toString();
}

export async function discover(ctx: JobContext, data: DiscoverData): Promise<JobResult> {
  const counters = emptyCounters();
  try {
    return await discoverCounting(ctx, data, counters);
  } catch (e) {
    // The requests of a failed attempt reached the Senate all the same: they count in the run.
    throw withCounters(e, counters);
  }
}

async function discoverCounting(ctx: JobContext, data: DiscoverData, counters: Counters): Promise<JobResult> {
  const log = ctx.logger.child({ legislature: data.legislature });
  const known = await knownIds(ctx.db, data.legislature);
  const listed = await readListing(ctx, counters, data);
  const found = new Map<string, FetchQuestionData>();
  for (const id of listed ?? []) found.set(id, { runId: data.runId, id, listed: true });
  if (listed === null) {
    const start = Math.max(await highestKnownNumber(ctx.db, data.legislature), 0) + 1;
    for (const hit of await probe(ctx, counters, data, start)) found.set(hit.id, hit);
  }

  const open = data.legislature >= ctx.config.currentLegislature;
  const jobs = new Map<string, FetchQuestionData>();
  for (const [id, d] of found) if (!known.has(id) || data.full) jobs.set(id, d);
  if (data.full) for (const id of known) if (!jobs.has(id)) jobs.set(id, { runId: data.runId, id });
  if (open) {
    for (const id of await refetchCandidates(ctx.db, data.legislature, ctx.config.recentAnswerDays)) {
      if (!jobs.has(id)) jobs.set(id, { runId: data.runId, id });
    }
  }
  for (const id of await unknownRelationTargets(ctx.db, data.legislature)) if (!jobs.has(id)) jobs.set(id, { runId: data.runId, id });

  await ctx.enqueue([...jobs.values()].map((d): JobRequest => ({ kind: 'fetch-question', data: d })));
  log.info({ listed: listed?.length ?? null, known: known.size, queued: jobs.size }, 'discovered');
  // The listing's yield goes into the outcome: the run's health judge compares it with earlier runs.
  const listing = ctx.config.listingUrlTemplate.trim() ? `; listed ${listed?.length ?? 0}` : '';
  return { outcome: `queued ${jobs.size}${listing}`, counters };
}

/** The ids on the listing pages of this legislature, or null when there is no usable listing. */
async function readListing(ctx: JobContext, counters: Counters, data: DiscoverData): Promise<string[] | null> {
  const template = ctx.config.listingUrlTemplate.trim();
  if (!template) return null;
  const first = listingUrl(template, ctx.config.senateBaseUrl, data.legislature, 1);
  const queue = [first];
  const seen = new Set(queue);
  const ids = new Set<string>();
  while (queue.length > 0 && seen.size <= MAX_LISTING_PAGES) {
    const url = queue.shift()!;
    const res = await fetchPage(ctx, counters, { url, kind: 'listing', runId: data.runId });
    const body = res.status >= 300 && res.status !== 304 ? null : await res.bytes();
    if (!body) {
      if (url === first) return null;
      continue;
    }
    const page = parseListingPage(decodeBody(body, res.contentType).text, url);
    for (const q of page.questions) if (q.id.startsWith(`${data.legislature}-`)) ids.add(q.id);
    for (const next of page.pages) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  if (ids.size === 0) {
    ctx.logger.warn({ url: first }, 'the listing has no question links: probing instead');
    return null;
  }
  return [...ids];
}

/** Probe numbers from `start` until PROBE_MISSES consecutive misses. */
async function probe(ctx: JobContext, counters: Counters, data: DiscoverData, start: number): Promise<FetchQuestionData[]> {
  const hits: FetchQuestionData[] = [];
  let misses = 0;
  for (let nr = start; misses < ctx.config.probeMisses; nr++) {
    const id = questionId(data.legislature, nr);
    const url = questionUrl(ctx.config.senateBaseUrl, id, 'fr');
    const res = await fetchPage(ctx, counters, { url, kind: 'probe', runId: data.runId, questionId: id, lang: 'fr', deferValidators: true });
    const body = await res.bytes();
    const isQuestion = body !== null && parseQuestionPage({ body, contentType: res.contentType, lang: 'fr', expectedId: id }).ok;
    if (isQuestion) {
      misses = 0;
      hits.push({ runId: data.runId, id, reuseFetchIds: { fr: res.fetchId } });
    } else {
      misses++;
    }
  }
  return hits;
}
