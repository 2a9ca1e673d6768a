/**
 * A horizontal bar chart as inline SVG: no script, no library, readable without colour (each
 * bar carries its number) and described for screen readers (role="img", a title, and the
 * table beside it holds the same figures).
 */
import { html, type SafeHtml } from './html.ts';

export interface Bar {
  label: string;
  value: number;
}

export function barChart(bars: readonly Bar[], o: { title: string; unit: string }): SafeHtml {
  const rowH = 26;
  const labelW = 190;
  const barW = 150;
  const width = labelW + barW + 80;
  const height = Math.max(1, bars.length) * rowH + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const short = (s: string) => (s.length > 26 ? `${s.slice(0, 25)}…` : s);
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">
<title id="chart-title">${o.title}</title>
${bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = Math.round((b.value / max) * barW);
    return html`<g><title>${b.label}: ${b.value} ${o.unit}</title><text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="12" fill="#1b1f24">${short(b.label)}</text><rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="#a4161a"></rect><text x="${labelW + w + 6}" y="${y + 16}" font-size="12" fill="#1b1f24">${b.value} ${o.unit}</text></g>`;
  })}
</svg>`;
}
