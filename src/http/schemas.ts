/**
 * The JSON schemas the API's responses share, registered once by $id (they become
 * `components/schemas` of the OpenAPI description) and referenced by `Name#`. They also drive
 * the responses' serialization: a property not listed here is not sent.
 */
import { EVENT_TYPES } from '../store/events.ts';
import { QUESTION_STATUSES } from '../store/search.ts';

const nullable = (type: string, extra: Record<string, unknown> = {}) => ({ type: [type, 'null'], ...extra });
const date = { type: ['string', 'null'], format: 'date' } as const;
const lang = { type: ['string', 'null'], enum: ['fr', 'nl', null] } as const;
const link = { type: 'string', description: 'A path on this server.' } as const;

export const questionIdPattern = '^[0-9]{1,2}-[0-9]{1,6}$';

const author = {
  type: 'object',
  required: ['name', 'party'],
  properties: { name: nullable('string'), party: nullable('string') },
} as const;

const summaryTexts = {
  type: 'object',
  required: ['title', 'addressee', 'subject'],
  properties: { title: { type: 'string' }, addressee: nullable('string'), subject: nullable('string') },
} as const;

export const questionSummarySchema = {
  $id: 'QuestionSummary',
  type: 'object',
  required: ['id', 'legislature', 'number', 'status', 'overdue', 'author', 'sentDate', 'answerDeadline', 'answerDate', 'texts', 'links'],
  properties: {
    id: { type: 'string', pattern: questionIdPattern, examples: ['8-123'] },
    legislature: { type: 'integer' },
    number: { type: 'integer' },
    status: { type: 'string', enum: QUESTION_STATUSES },
    overdue: { type: 'boolean', description: 'Pending and its answer deadline has passed.' },
    author,
    sentDate: date,
    answerDeadline: date,
    answerDate: date,
    originalLanguage: lang,
    texts: {
      type: 'object',
      description: 'Per language (fr, nl), when stored in that language.',
      properties: { fr: summaryTexts, nl: summaryTexts },
    },
    links: { type: 'object', required: ['self'], properties: { self: link } },
  },
} as const;

const answer = {
  type: ['object', 'null'],
  required: ['date', 'text', 'html'],
  properties: {
    date,
    text: { type: 'string', description: 'Plain text; table rows as tab-separated lines.' },
    html: { type: 'string', description: 'Sanitized HTML (p, br, lists, tables, b/i/em/strong).' },
  },
} as const;

const questionTexts = {
  type: 'object',
  required: ['title', 'addressee', 'subject', 'keywords', 'questionText', 'answer'],
  properties: {
    title: { type: 'string' },
    addressee: nullable('string'),
    subject: nullable('string'),
    keywords: { type: 'array', items: { type: 'string' } },
    questionText: { type: 'string' },
    answer,
    repairs: { type: 'integer' },
    unknownLabels: { type: 'array', items: { type: 'string' } },
  },
} as const;

export const questionSchema = {
  $id: 'Question',
  type: 'object',
  required: ['id', 'legislature', 'number', 'status', 'overdue', 'author', 'texts', 'chronology', 'relations', 'history', 'links'],
  properties: {
    id: { type: 'string', pattern: questionIdPattern },
    legislature: { type: 'integer' },
    number: { type: 'integer' },
    status: { type: 'string', enum: QUESTION_STATUSES },
    overdue: { type: 'boolean' },
    author,
    sentDate: date,
    answerDeadline: date,
    deadlineEstimated: { type: 'boolean', description: 'The Senate printed no deadline; this one is estimated.' },
    answerDate: date,
    originalLanguage: lang,
    conflicts: { type: 'array', items: { type: 'string' }, description: 'Disagreements between the FR and NL pages.' },
    firstSeenAt: { type: 'string', format: 'date-time' },
    lastFetchedAt: nullable('string', { format: 'date-time' }),
    lastChangedAt: nullable('string', { format: 'date-time' }),
    goneSince: nullable('string', { format: 'date-time' }),
    texts: { type: 'object', properties: { fr: questionTexts, nl: questionTexts } },
    chronology: {
      type: 'array',
      items: {
        type: 'object',
        required: ['date', 'type', 'label'],
        properties: {
          date: { type: 'string', format: 'date' },
          type: { type: 'string', enum: ['sent', 'answered', 'reminder', 'closed', 'lapsed', 'requalified', 'unknown'] },
          label: { type: 'string' },
        },
      },
    },
    relations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'target', 'targetType', 'label', 'stored', 'links'],
        properties: {
          kind: { type: 'string' },
          target: nullable('string'),
          targetType: { type: ['string', 'null'], enum: ['written_question', 'request_for_explanations', null] },
          label: { type: 'string' },
          stored: { type: 'boolean', description: 'The target is a question stored here.' },
          links: {
            type: 'object',
            properties: { self: { ...link, description: 'The target question, when it is a written question.' } },
          },
        },
      },
    },
    history: {
      type: 'array',
      description: 'Every stored change of a field, oldest first (lang null: a shared field).',
      items: {
        type: 'object',
        required: ['id', 'lang', 'field', 'oldValue', 'newValue', 'cause', 'kind', 'observedAt', 'runId'],
        properties: {
          id: { type: 'integer' },
          lang,
          field: { type: 'string' },
          oldValue: {},
          newValue: {},
          cause: { type: 'string', enum: ['senate', 'parser'] },
          kind: { type: 'string', enum: ['changed', 'source_field_missing'] },
          observedAt: { type: 'string', format: 'date-time' },
          runId: nullable('integer'),
          parserVersion: { type: 'string' },
        },
      },
    },
    links: {
      type: 'object',
      required: ['self', 'events'],
      properties: { self: link, events: { ...link, description: "The question's events." } },
    },
  },
} as const;

export const runSchema = {
  $id: 'Run',
  type: 'object',
  required: ['id', 'kind', 'mode', 'legislatures', 'status', 'startedAt', 'finishedAt'],
  properties: {
    id: { type: 'integer' },
    kind: { type: 'string' },
    mode: { type: 'string', enum: ['incremental', 'full'] },
    legislatures: { type: 'array', items: { type: 'integer' } },
    status: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: nullable('string', { format: 'date-time' }),
    durationMs: nullable('integer'),
    error: nullable('string'),
    jobsTotal: { type: 'integer' },
    jobsDone: { type: 'integer' },
    requests: { type: 'integer' },
    notModified: { type: 'integer' },
    bytes: { type: 'integer' },
    questionsNew: { type: 'integer' },
    questionsChanged: { type: 'integer' },
    questionsUnchanged: { type: 'integer' },
    questionsFailed: { type: 'integer' },
    links: { type: 'object', properties: { self: link } },
  },
} as const;

export const eventSchema = {
  $id: 'Event',
  type: 'object',
  required: ['id', 'seq', 'type', 'questionId', 'lang', 'occurredAt', 'runId', 'payload'],
  properties: {
    id: { type: 'string', description: 'Stable: the same change always has the same id.' },
    seq: { type: 'integer', description: 'Increasing; the cursor of /api/events?after=.' },
    type: { type: 'string', enum: EVENT_TYPES },
    questionId: nullable('string'),
    lang,
    occurredAt: { type: 'string', format: 'date-time' },
    runId: nullable('integer'),
    payload: { type: 'object', additionalProperties: true },
  },
} as const;

export const SHARED_SCHEMAS = [questionSummarySchema, questionSchema, runSchema, eventSchema];
