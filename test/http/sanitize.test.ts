import { describe, expect, it } from 'vitest';
import { esc, html } from '../../src/http/dashboard/html.ts';
import { sanitizeAnswerHtml } from '../../src/http/dashboard/sanitize.ts';

describe('sanitizeAnswerHtml', () => {
  it('keeps paragraphs, lists and tables with their spans', () => {
    const answer = '<p>Voici.</p><ul><li>un</li></ul><table><thead><tr><th colspan="2" scope="col">Année</th></tr></thead><tbody><tr><td rowspan="2">2024</td><td>12</td></tr></tbody></table>';
    expect(sanitizeAnswerHtml(answer)).toBe(answer);
  });

  it.each([
    ['a script', '<p>a</p><script>alert(1)</script>', '<p>a</p>'],
    ['an onerror handler', '<img src="x" onerror="alert(1)"><p>b</p>', '<p>b</p>'],
    ['an svg onload', '<svg onload="alert(1)"><circle/></svg><p>c</p>', '<p>c</p>'],
    ['an inline handler on a cell', '<table><tr><td onclick="alert(1)" style="color:red">d</td></tr></table>', '<table><tr><td>d</td></tr></table>'],
    ['a javascript: link', '<a href="javascript:alert(1)">e</a>', '<a rel="nofollow noopener noreferrer">e</a>'],
    ['an entity-encoded javascript: link', '<a href="jav&#x09;ascript&colon;alert(1)">f</a>', '<a rel="nofollow noopener noreferrer">f</a>'],
    ['an iframe and a style', '<iframe src="https://evil.example"></iframe><style>p{}</style><p>g</p>', '<p>g</p>'],
    ['a form', '<form action="https://evil.example"><input name="x"><button>h</button></form>', 'h'],
  ])('removes %s', (_what, dirty, clean) => {
    expect(sanitizeAnswerHtml(dirty)).toBe(clean);
  });

  it('keeps an http link, marked nofollow', () => {
    expect(sanitizeAnswerHtml('<a href="https://www.senate.be/x">i</a>')).toBe('<a href="https://www.senate.be/x" rel="nofollow noopener noreferrer">i</a>');
  });
});

describe('html templates', () => {
  it('escape every interpolated value, in text and in attributes', () => {
    const v = `"><script>alert('x')</script>&`;
    expect(html`<input value="${v}"><p>${v}</p>`.value).toBe(`<input value="${esc(v)}"><p>${esc(v)}</p>`);
    expect(esc(v)).toBe('&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;');
  });
  it('insert nested templates as they are, and nothing for null, undefined and false', () => {
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>${null}${undefined}${false}`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
  });
});
