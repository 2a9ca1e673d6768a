/**
 * The Senate's printed labels in both languages (docs/anatomy.md). Deliberately a copy, not an
 * import of the parser's tables: a fake that shares the parser's vocabulary cannot catch
 * the parser's mistakes.
 */
import type { EventType, Lang, RelationKind, RelationTargetType } from '../../src/senate/question-record.ts';

export const EVENT_LABELS: Record<Exclude<EventType, 'unknown'>, Record<Lang, string>> = {
  sent: { fr: 'Envoi question', nl: 'Verzending vraag' },
  answered: { fr: 'Réponse', nl: 'Antwoord' },
  reminder: { fr: 'Rappel', nl: 'Rappel' },
  closed: { fr: 'Dossier clôturé', nl: 'Dossier gesloten' },
  lapsed: { fr: 'Fin de la législature', nl: 'Einde zittingsperiode' },
  requalified: { fr: 'Requalification', nl: 'Herkwalificatie' },
};

export const RELATION_LABELS: Record<Exclude<RelationKind, 'unknown'>, Record<Lang, string>> = {
  also_asked_to: { fr: 'Aussi posée à', nl: 'Ook gesteld aan' },
  reintroduced_as: { fr: 'Réintroduite comme', nl: 'Heringediend als' },
  reintroduction_of: { fr: 'Réintroduction de', nl: 'Herindiening van' },
  requalified_as: { fr: 'Requalifiée en', nl: 'Geherkwalificeerd als' },
  requalification_of: { fr: 'Requalification de', nl: 'Herkwalificatie van' },
};

export const TARGET_TYPE_LABELS: Record<RelationTargetType, Record<Lang, string>> = {
  written_question: { fr: 'question écrite', nl: 'schriftelijke vraag' },
  request_for_explanations: { fr: "demande d'explications", nl: 'vraag om uitleg' },
};

export const PRINT_LINKS: Record<Lang, string> = {
  fr: 'Version à imprimer bilingue Version à imprimer unilingue',
  nl: 'Tweetalige printerversie Eentalige printerversie',
};

export const CHRONOLOGY_HEADING = 'Chronologie';

export function titleLine(id: string, lang: Lang): string {
  return lang === 'fr' ? `Question écrite n° ${id}` : `Schriftelijke vraag nr. ${id}`;
}

export function deadlineSuffix(lang: Lang, printedDate: string): string {
  return lang === 'fr' ? `(Fin du délai de réponse: ${printedDate})` : `(Einde van de antwoordtermijn: ${printedDate} )`;
}

export function originalLanguagePhrase(pageLang: Lang, original: Lang): string {
  if (pageLang === 'fr') return `(Question posée en ${original === 'fr' ? 'français' : 'néerlandais'})`;
  return `(Vraag gesteld in het ${original === 'fr' ? 'Frans' : 'Nederlands'})`;
}
