/**
 * HTML by tagged templates: every interpolated value is escaped unless it is SafeHtml (built
 * by `html` itself or by the answer sanitizer), so Senate text can only reach a page as text.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for element content and quoted attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return esc(String(value));
}

/** `html\`<p>${text}</p>\``: the literal parts as written, the values escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Marks already-safe markup (the sanitizer's output, a built SVG). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export interface Page {
  title: string;
  /** The dashboard's URL prefix ('' or '/dashboard'). */
  base: string;
  /** Which nav entry is current. */
  current?: 'home' | 'lateness' | 'search';
  /** The search box's value. */
  query?: string;
  body: SafeHtml;
}

export function layout(p: Page): string {
  const nav = (key: NonNullable<Page['current']>, href: string, label: string) =>
    html`<li><a href="${href}"${p.current === key ? trusted(' aria-current="page"') : ''}>${label}</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · Senate written questions</title>
<link rel="stylesheet" href="${p.base}/assets/dashboard.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <p class="brand"><a href="${p.base}/">Senate written questions</a></p>
  <nav aria-label="Main">
    <ul>${nav('home', `${p.base}/`, 'Overview')}${nav('lateness', `${p.base}/lateness`, 'Lateness by minister')}</ul>
  </nav>
  <form class="search" role="search" method="get" action="${p.base}/search">
    <label for="q">Search questions</label>
    <input id="q" name="q" type="search" value="${p.query ?? ''}" placeholder="words, author or 8-123">
    <button type="submit">Search</button>
  </form>
</header>
<main id="main" tabindex="-1">
${p.body}
</main>
<footer class="site"><p>Data from senate.be, crawled by senate-questions. Times in UTC.</p></footer>
</body>
</html>
`.value;
}

/** 2026-11-15 → 15 Nov 2026 (dates stay dates: no time zone games). */
export function day(iso: string | null): string {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${Number(m[3])} ${months[Number(m[2]) - 1]} ${m[1]}`;
}

export function when(d: Date | null): string {
  return d ? d.toISOString().replace('T', ' ').slice(0, 16) : '—';
}
