/** The dashboard's one stylesheet: system fonts, AA contrast, visible focus, phone first. */
export const DASHBOARD_CSS = `
:root { --fg: #1b1f24; --muted: #4a5360; --bg: #fff; --panel: #f4f6f8; --line: #d0d6de; --link: #0b57d0; --bad: #a4161a; --good: #1e6b34; --warn: #8a4b00; --focus: #f0b400; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5rem 1rem; }
.skip:focus { left: 0; z-index: 10; }
header.site { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .75rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.brand { margin: 0; font-weight: 700; }
.brand a { color: var(--fg); text-decoration: none; }
nav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; margin: 0; padding: 0; }
nav a[aria-current="page"] { font-weight: 700; text-decoration: none; color: var(--fg); }
form.search { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; margin-left: auto; }
form.search label { font-size: .9rem; color: var(--muted); }
input[type="search"] { font: inherit; padding: .35rem .5rem; border: 1px solid var(--muted); border-radius: 4px; min-width: 12rem; }
button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--link); border-radius: 4px; background: var(--link); color: #fff; cursor: pointer; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
footer.site { padding: 1rem; color: var(--muted); font-size: .875rem; border-top: 1px solid var(--line); }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .25rem; }
.muted { color: var(--muted); }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; background: var(--bg); }
.card h2 { margin-top: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.badge.bad, .late { color: var(--bad); }
.badge.good { color: var(--good); }
.badge.warn { color: var(--warn); }
.bilingual { display: grid; gap: 1rem; grid-template-columns: 1fr; }
.bilingual > section { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; min-width: 0; }
.answer table { margin: .5rem 0; }
.answer td, .answer th { border: 1px solid var(--line); }
.chart-and-table { display: grid; gap: 1rem; grid-template-columns: 1fr; align-items: start; }
.chart { margin: 0; }
.chart svg { width: 100%; max-width: 40rem; height: auto; }
tbody th { font-weight: 500; background: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
ol.chronology { padding-left: 1.25rem; }
del { background: #ffe3e3; color: #6b0f12; }
ins { background: #dcf5e0; color: #0f4a1f; text-decoration: none; }
.diff { white-space: pre-wrap; word-break: break-word; }
.text { white-space: pre-wrap; }
@media (min-width: 48rem) {
  .bilingual { grid-template-columns: 1fr 1fr; }
  .chart-and-table { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }
}
`;
