/**
 * The addressee of a question, normalised. The pages print the minister's title of the day as
 * free text, differently in French and Dutch (`au ministre de la Justice` / `aan de minister
 * van Justitie`), and the same minister's title varies from question to question (a portfolio
 * added or dropped, `chargé de …`/`belast met …` tails, `vice-eersteminister en minister van …`).
 * One key stands for all of them: the role and the first (main) portfolio of the title, the
 * portfolio read through a French/Dutch dictionary, e.g. `minister:justice`.
 *
 * A key groups titles, not persons: two successive ministers of Justice share one key (the
 * monitoring commands can add the legislature). The raw strings stay in the store.
 * Pure functions, no I/O.
 */

export type AddresseeRole = 'prime-minister' | 'minister' | 'secretary-of-state';

export interface NormalisedAddressee {
  /** `role:portfolio`, e.g. `minister:justice`, `secretary-of-state:budget`, `prime-minister`. */
  key: string;
  role: AddresseeRole | null;
  /** The main portfolio's canonical name (`justice`), or a slug of its words when the dictionary does not know it. */
  portfolio: string | null;
  /** Whether the dictionary knew the main portfolio: a known key is the same in French and Dutch. */
  known: boolean;
  /** Every portfolio of the title's head (before `chargé de`, `belast met`, `adjoint à`, …), canonical or slug. */
  portfolios: string[];
}

/** Portfolio → patterns on the folded item (lowercase, no accents, articles removed), French and Dutch. */
const PORTFOLIOS: readonly (readonly [name: string, pattern: RegExp, label: string])[] = [
  ['justice', /^(justice|justitie)\b/, 'Justice'],
  ['interior', /^(interieur|affaires interieures|binnenlandse zaken|securite|veiligheid)\b/, 'Interior'],
  ['foreign-affairs', /^(affaires etrangeres|buitenlandse zaken)\b/, 'Foreign Affairs'],
  ['finance', /^(finances?|financien)\b/, 'Finance'],
  ['budget', /^(budget|begroting)\b/, 'Budget'],
  ['social-affairs', /^(affaires sociales|sociale zaken)\b/, 'Social Affairs'],
  ['public-health', /^(sante publique|volksgezondheid|sante)\b/, 'Public Health'],
  ['employment', /^(emploi|werk|werkgelegenheid|travail)\b/, 'Employment'],
  ['economy', /^(economie)\b/, 'Economy'],
  ['civil-service', /^(fonction publique|ambtenarenzaken)\b/, 'Civil Service'],
  ['public-enterprises', /^(entreprises publiques|overheidsbedrijven)\b/, 'Public Enterprises'],
  ['development-cooperation', /^(cooperation au developpement|ontwikkelingssamenwerking)\b/, 'Development Cooperation'],
  ['mobility', /^(mobilite|mobiliteit)\b/, 'Mobility'],
  ['defence', /^(defense|landsverdediging|defensie)\b/, 'Defence'],
  ['pensions', /^(pensions|pensioenen)\b/, 'Pensions'],
  ['social-integration', /^(integration sociale|maatschappelijke integratie)\b/, 'Social Integration'],
  ['middle-classes', /^(classes moyennes|middenstand)\b/, 'Middle Classes'],
  ['self-employed', /^(independants|zelfstandigen)\b/, 'Self-employed'],
  ['smes', /^(pme|kmo)/, 'SMEs'],
  ['agriculture', /^(agriculture|landbouw)\b/, 'Agriculture'],
  ['energy', /^(energie)\b/, 'Energy'],
  ['environment', /^(environnement|leefmilieu)\b/, 'Environment'],
  ['climate', /^(climat|klimaat)\b/, 'Climate'],
  ['migration', /^((politique de )?migration|migratie|asile|asiel)/, 'Migration and Asylum'],
  ['science-policy', /^(politique scientifique|wetenschapsbeleid)\b/, 'Science Policy'],
  ['equal-opportunities', /^(egalite des chances|gelijke kansen)\b/, 'Equal Opportunities'],
  ['poverty', /^(lutte contre la pauvrete|armoedebestrijding)\b/, 'Fight against Poverty'],
  ['disability', /^(personnes handicapees|personen met een (beperking|handicap)|gehandicapten)\b/, 'Persons with Disabilities'],
  ['families', /^((politique des )?familles|gezinsbeleid|gezinnen)\b/, 'Families'],
  ['consumers', /^(consommateurs|consumenten|protection des consommateurs|consumentenbescherming)\b/, 'Consumers'],
  ['large-cities', /^(grandes villes|grote steden)\b/, 'Large Cities'],
  ['european-affairs', /^(affaires europeennes|europese zaken)\b/, 'European Affairs'],
  ['foreign-trade', /^(commerce exterieur|buitenlandse handel)\b/, 'Foreign Trade'],
  ['institutional-reforms', /^(reformes institutionnelles|institutionele hervormingen)\b/, 'Institutional Reforms'],
  ['sustainable-development', /^(developpement durable|duurzame ontwikkeling)\b/, 'Sustainable Development'],
  ['digital-agenda', /^(agenda numerique|digitale agenda)\b/, 'Digital Agenda'],
  ['telecommunications', /^(telecommunications|telecommunicatie)\b/, 'Telecommunications'],
  ['postal-services', /^(poste|post)$/, 'Postal Services'],
  ['privacy', /^(vie privee|privacy|bescherming van de persoonlijke levenssfeer)\b/, 'Privacy'],
  ['fraud', /^(lutte contre la fraude( sociale| fiscale)?|bestrijding van de (sociale |fiscale )?fraude|fraudebestrijding)\b/, 'Fight against Fraud'],
  ['north-sea', /^(mer du nord|noordzee)\b/, 'North Sea'],
  ['beliris', /^beliris\b/, 'Beliris'],
  ['federal-cultural-institutions', /^(institutions culturelles federales|federale culturele instellingen)\b/, 'Federal Cultural Institutions'],
  ['administrative-simplification', /^(simplification administrative|administratieve vereenvoudiging)\b/, 'Administrative Simplification'],
  ['occupational-risks', /^(risques professionnels|beroepsrisico)/, 'Occupational Risks'],
  ['gender-equality', /^(egalite des genres|gendergelijkheid)\b/, 'Gender Equality'],
  ['asylum', /^(asile et migration|asiel en migratie)\b/, 'Asylum and Migration'],
];

const ROLE_LABELS: Record<AddresseeRole, string> = {
  'prime-minister': 'Prime Minister',
  minister: 'Minister',
  'secretary-of-state': 'Secretary of State',
};

/** Lowercase, accents and ligatures folded, apostrophes unified, whitespace collapsed. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘´`]/g, "'")
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/** `à la`, `au`, `aux`, `à l'`, `aan de`, `aan het`: the preposition the title is printed after. */
const LEADING_PREPOSITION = /^(a|au|aux|aan)\s+((de|la|het)\s+|l'\s*)?/;
/** Where the head of a title ends: attributions (`chargé de`, `belast met`) and attachments (`adjoint à`, `toegevoegd aan`). */
const TAIL = /,?\s+(chargee?s?\s+d|belast\s+met|adjointe?\s+a|toegevoegd\s+aan|et\s+secretaire\s+d)/;
/** Role words at the head, after the preposition (folded text). */
const ROLES: readonly (readonly [RegExp, AddresseeRole])[] = [
  [/^(vice-?premiere?\s+ministre|vice-?eerste\s*minister)\s+(et|en)\s+(ministre|minister)\b/, 'minister'],
  [/^(premiere?\s+ministre|eerste\s*minister)\b/, 'prime-minister'],
  [/^(ministre|minister)\b/, 'minister'],
  [/^(secretaire\s+d\s*'?\s*etat|staatssecretaris)\b/, 'secretary-of-state'],
];
/** Articles and prepositions before a portfolio: `de la`, `des`, `du`, `à l'`, `aux`, `van`, `voor`, `het`, … */
const ITEM_LEAD = /^((de|a)\s+(la|l')\s*|de\s+|des\s+|du\s+|d'\s*|l'\s*|la\s+|le\s+|les\s+|au\s+|aux\s+|a\s+|van\s+|voor\s+|het\s+)+/;

function slug(text: string): string {
  return text
    .replace(/'/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The canonical portfolio of one item of a title (`la Justice` → `justice`), or null. */
export function portfolioOf(item: string): string | null {
  const folded = foldText(item).replace(ITEM_LEAD, '').replace(/-$/, '').trim();
  for (const [name, pattern] of PORTFOLIOS) if (pattern.test(folded)) return name;
  return null;
}

/** The portfolio items of a title's head: split on commas and `et`/`en` (a `Migratie- en asielbeleid` hyphen joins). */
function portfolioItems(head: string): string[] {
  return head
    .split(/\s*,\s*|\s+(?:et|en)\s+/)
    .map((s) => s.replace(ITEM_LEAD, '').replace(/-$/, '').trim())
    .filter((s) => s.length > 0);
}

/**
 * One addressee title, normalised; null when there is no text. `au ministre de la Justice`,
 * `aan de minister van Justitie` and `à la ministre de la Justice` all give `minister:justice`.
 */
export function normaliseAddressee(raw: string | null | undefined): NormalisedAddressee | null {
  if (!raw) return null;
  let text = foldText(raw).replace(LEADING_PREPOSITION, '');
  if (text.length === 0) return null;
  const tail = TAIL.exec(text);
  if (tail) text = text.slice(0, tail.index);
  let role: AddresseeRole | null = null;
  for (const [pattern, r] of ROLES) {
    const m = pattern.exec(text);
    if (m) {
      role = r;
      text = text.slice(m[0].length).trim();
      break;
    }
  }
  if (role === 'prime-minister' && text.length === 0) return { key: 'prime-minister', role, portfolio: null, known: true, portfolios: [] };
  const items = portfolioItems(text);
  const portfolios = items.map((i) => portfolioOf(i) ?? slug(i)).filter((p) => p.length > 0);
  const first = items[0];
  const portfolio = portfolios[0] ?? null;
  const known = first !== undefined && portfolioOf(first) !== null;
  const key = `${role ?? 'addressee'}${portfolio ? `:${portfolio}` : ''}`;
  return { key, role, portfolio, known, portfolios };
}

/**
 * The key of a question's addressee from its two titles. The dictionary's key wins (it is the
 * same in both languages); when neither title's portfolio is known, the French one's slug, else
 * the Dutch one's. null when neither page names an addressee.
 */
export function addresseeKey(titles: { fr?: string | null | undefined; nl?: string | null | undefined }): string | null {
  const fr = normaliseAddressee(titles.fr);
  const nl = normaliseAddressee(titles.nl);
  if (fr?.known) return fr.key;
  if (nl?.known) return nl.key;
  return fr?.key ?? nl?.key ?? null;
}

/**
 * The keys a user's `--addressee TEXT` may mean: the key itself (`minister:justice`), the key of
 * a title (`ministre de la Justice`), or every role's key of a portfolio word (`Justitie`).
 */
export function addresseeQueryKeys(text: string): string[] {
  const folded = foldText(text);
  const keys = new Set<string>();
  if (/^[a-z-]+(:[a-z0-9-]+)?$/.test(folded) && folded.includes(':')) keys.add(folded);
  const n = normaliseAddressee(text);
  if (n?.known && n.role) keys.add(n.key);
  const portfolio = portfolioOf(text);
  if (portfolio) for (const role of ['minister', 'secretary-of-state'] as const) keys.add(`${role}:${portfolio}`);
  return [...keys];
}

/** A key in English words, for tables: `minister:justice` → `Minister of Justice`. */
export function describeAddresseeKey(key: string | null): string {
  if (!key) return '(no addressee)';
  const [role, portfolio] = key.split(':') as [string, string | undefined];
  const roleLabel = ROLE_LABELS[role as AddresseeRole] ?? 'Addressee';
  if (!portfolio) return roleLabel;
  const known = PORTFOLIOS.find(([name]) => name === portfolio);
  return `${roleLabel}${role === 'secretary-of-state' ? ' for' : ' of'} ${known ? known[2] : portfolio.replace(/-/g, ' ')}`;
}
