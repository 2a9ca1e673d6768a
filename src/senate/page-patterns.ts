/**
 * The text patterns a question page is read by: titles, headings, author and addressee lines,
 * rules, chronology rows and relation labels, in French and Dutch. Compiled once, here.
 */
import { WRITTEN_DATE_SRC } from './dates.ts';
import { RELATION_LABEL_SRC } from './labels.ts';

export const TITLE_G = /(?:(?:SÉNAT|SENAAT)\s+)?(Question écrite n[°º]|Schriftelijke vraag nr\.?)\s*(\d{1,2})\s*-\s*(\d{1,6})/gi;
export const TITLE_START = /^(?:(?:SÉNAT|SENAAT)\s+)?(?:Question écrite n[°º]|Schriftelijke vraag nr\.?)\s*\d{1,2}\s*-\s*\d{1,6}/i;
export const QHEAD = new RegExp(
  `^(?:(?:SÉNAT|SENAAT)\\s+)?(?:Question(?: écrite)?\\s+n[°º]|(?:Schriftelijke v|V)raag\\s+nr\\.?)\\s*(\\d{1,2}-\\d{1,6})\\s+(?:du|d\\.d\\.)\\s+(${WRITTEN_DATE_SRC})\\s*:?\\s*(?:\\((Question posée en (?:français|néerlandais)|Vraag gesteld in het (?:Nederlands|Frans))\\))?`,
  'i',
);
export const ANSWER_HEAD = new RegExp(`^(?:Réponse reçue le|Antwoord ontvangen op)(?:\\s+(${WRITTEN_DATE_SRC}))?`, 'i');
export const AUTHOR = new RegExp(`^(van|de|d['’])\\s*(\\p{Lu}.*?)(?:\\s*\\(([^()]+)\\))?(?:\\s+(?:d\\.d\\.|du)\\s+(${WRITTEN_DATE_SRC}))?\\s*$`, 'u');
export const ADDRESSEE = /^(aan|à|au|aux)\s+\S/i;
export const RULE = /^_{3,}(?:\s+_{3,})*$/;
export const CHRONO = /^chronologie$/i;
export const EVENT_START = /^(\d{1,2}\/\d{1,2}\/\d{4})\s*(.*)$/;
export const RELATION_G = new RegExp(`(${RELATION_LABEL_SRC})\\s*:`, 'gi');
export const RELATION_TEST = new RegExp(`(?:${RELATION_LABEL_SRC})\\s*:`, 'i');
export const HEADER_DATE = new RegExp(`^(${WRITTEN_DATE_SRC})`, 'i');
export const RELATION_TARGET = /^\s*(schriftelijke vraag|question [ée]crite|vraag om uitleg|demande d['’]explications?)?\s*(\d{1,2}-\d{1,6})?/i;
export const UNKNOWN_RELATION = /^([\p{L}][\p{L}' ’-]{2,60}?)\s+:\s*(.*)$/u;
export const DOCUMENT_LINK = /https?:\/\/|www\.|\.(?:pdf|docx?|xlsx?|html?)\b|bijlage|annexe/i;
export const ERROR_WORDS = /\b(?:error|erreur|fout|not found|niet gevonden|introuvable|n'existe pas|bestaat niet|onbekend|inconnu)\b/i;
export const TEMPLATE_WORDS = /^(?:chronologie|question écrite n[°º]?|schriftelijke vraag nr\.?|version à imprimer.*|tweetalige printerversie.*)$/i;
