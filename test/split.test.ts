import { describe, expect, it } from 'vitest';
import { rowsIn, splitDocument } from '../src/render/split.js';

const doc = (body: string) => `<!DOCTYPE html><html><head><title>t</title></head><body>${body}</body></html>`;
const rows = (from: number, n: number) => Array.from({ length: n }, (_, i) => `<tr><td>r${from + i}</td><td>&lt;tr&gt; escaped</td></tr>`).join('');

describe('splitting the document for printing in parts', () => {
  it('leaves a small document whole', () => {
    const html = doc(`<section class="chapter" id="a"><h2>A</h2><table><thead><tr><th>x</th></tr></thead><tbody>${rows(0, 3)}</tbody></table></section>`);
    const s = splitDocument(html, 100);
    expect(s.parts).toHaveLength(1);
    expect(s.head + s.parts.join('') + s.tail).toBe(html);
  });

  it('cuts a long table after whole rows, closing and reopening it with its header', () => {
    const html = doc(`<section class="cover">c</section>\n<section class="chapter" id="b"><h2>B</h2><p>intro<br>text</p><table class="data"><thead><tr><th>Path</th></tr></thead><tbody>${rows(0, 25)}</tbody></table></section>\n<section class="chapter" id="c"><h2>C</h2></section>`);
    const s = splitDocument(html, 10);
    expect(s.parts.length).toBeGreaterThanOrEqual(3);
    // Every row is printed exactly once, in order.
    const all = s.parts.join('');
    expect(all.match(/r\d+/g)).toEqual(Array.from({ length: 25 }, (_, i) => `r${i}`));
    for (const p of s.parts) {
      // Each part is balanced: as many opened as closed sections, tables and bodies.
      for (const tag of ['section', 'table', 'tbody', 'tr']) expect((p.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length).toBe((p.match(new RegExp(`</${tag}>`, 'g')) ?? []).length);
      expect(rowsIn(p.replace(/<thead>.*?<\/thead>/g, ''))).toBeLessThanOrEqual(10);
    }
    // A part that continues the table repeats its header row.
    const continued = s.parts.filter((p) => p.includes('r10') || p.includes('r20'));
    for (const p of continued) expect(p).toContain('<table class="data"><thead><tr><th>Path</th></tr></thead><tbody>');
    expect(s.parts.at(-1)).toContain('id="c"');
  });
});
