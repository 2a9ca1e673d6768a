/**
 * The chronology and relation labels of question pages, in French and Dutch (docs/anatomy.md).
 * Matching ignores case, accents and spacing; a label we do not know is kept as `unknown`.
 */
import type { EventType, RelationKind, RelationTargetType } from './question-record.ts';

/** Lower case, accents removed, whitespace collapsed: the key labels are compared on. */
export function labelKey(label: string): string {
  return label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

const EVENTS: Record<string, EventType> = {
  'verzending vraag': 'sent',
  'envoi question': 'sent',
  antwoord: 'answered',
  reponse: 'answered',
  rappel: 'reminder',
  'dossier gesloten': 'closed',
  'dossier cloture': 'closed',
  'einde zittingsperiode': 'lapsed',
  'fin de la legislature': 'lapsed',
  herkwalificatie: 'requalified',
  requalification: 'requalified',
};

export function eventType(label: string): EventType {
  return EVENTS[labelKey(label)] ?? 'unknown';
}

const RELATIONS: Record<string, RelationKind> = {
  'ook gesteld aan': 'also_asked_to',
  'aussi posee a': 'also_asked_to',
  'heringediend als': 'reintroduced_as',
  'reintroduite comme': 'reintroduced_as',
  'herindiening van': 'reintroduction_of',
  'reintroduction de': 'reintroduction_of',
  'geherkwalificeerd als': 'requalified_as',
  'requalifiee en': 'requalified_as',
  'herkwalificatie van': 'requalification_of',
  'requalification de': 'requalification_of',
};

export function relationKind(label: string): RelationKind {
  return RELATIONS[labelKey(label)] ?? 'unknown';
}

/**
 * Every known relation label followed by its colon, as printed (accents either way). Used to
 * cut a line into relations even when they run together (`5-3820Requalifiée en :`).
 */
export const RELATION_LABEL_SRC =
  "Ook gesteld aan|Aussi pos[ée]e [àa]|Heringediend als|R[ée]introduite comme|Herindiening van|R[ée]introduction de|Geherkwalificeerd als|Requalifi[ée]e en|Herkwalificatie van|Requalification de";

const TARGET_TYPES: Array<[RegExp, RelationTargetType]> = [
  [/^(?:schriftelijke vraag|question [ée]crite)$/i, 'written_question'],
  [/^(?:vraag om uitleg|demande d['’]explications?)$/i, 'request_for_explanations'],
];

export function relationTargetType(text: string): RelationTargetType | null {
  const t = text.replace(/[\s\u00a0]+/g, ' ').trim();
  for (const [re, type] of TARGET_TYPES) if (re.test(t)) return type;
  return null;
}

/** The inline answer deadline after the sent event, in either language. */
export const DEADLINE_RE = /\(\s*(?:Einde van de antwoordtermijn|Fin du d[ée]lai de r[ée]ponse)\s*:\s*(\d{1,2}\/\d{1,2}\/\d{4})\s*\)/i;
