/**
 * Splits the report's HTML into parts for printing one at a time: Chromium's memory while printing
 * grows with the document (about 3.5 GB for 1,000 pages), so a large report is printed in parts of
 * a bounded number of table rows and the PDFs joined. A part ends after a table row or a section;
 * the elements open at that point are closed, and reopened at the start of the next part (a table
 * with its header row again, so every page of a long table is labelled).
 *
 * It works on the HTML the templates produce: well-formed, every data string escaped, so each `<`
 * in it opens or closes one of the templates' own elements.
 */

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

interface Open {
  name: string;
  /** The opening tag as written. */
  tag: string;
  /** For a table: its `<thead>…</thead>`, repeated when the table is reopened. */
  thead?: string;
}

export interface SplitDocument {
  /** Everything up to and including `<body>`. */
  head: string;
  /** The body, in parts; joined they are the body. */
  parts: string[];
  /** From `</body>` on. */
  tail: string;
}

/** Table rows (`<tr>`) in a piece of the document. */
export function rowsIn(html: string): number {
  let n = 0;
  for (let i = html.indexOf('<tr'); i >= 0; i = html.indexOf('<tr', i + 3)) if (html[i + 3] === '>' || html[i + 3] === ' ') n++;
  return n;
}

/** Splits after every `rowsPerPart` rows (at the next row or section end); a small document is one part. */
export function splitDocument(html: string, rowsPerPart: number): SplitDocument {
  const open = html.indexOf('<body>');
  const close = html.lastIndexOf('</body>');
  if (open < 0 || close < open) return { head: '', parts: [html], tail: '' };
  const head = html.slice(0, open + 6);
  const body = html.slice(open + 6, close);
  const tail = html.slice(close);
  const parts: string[] = [];
  const stack: Open[] = [];
  const tagRe = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>/g;
  let partStart = 0;
  let prefix = '';
  let rows = 0;
  let theadFrom = -1;
  for (let m = tagRe.exec(body); m; m = tagRe.exec(body)) {
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (!closing) {
      if (VOID.has(name) || m[0].endsWith('/>')) continue;
      stack.push({ name, tag: m[0] });
      if (name === 'tr') rows++;
      if (name === 'thead') theadFrom = m.index;
      continue;
    }
    // Close the innermost element of that name (the templates never leave one unclosed).
    const at = stack.map((o) => o.name).lastIndexOf(name);
    if (at < 0) continue;
    stack.length = at;
    const end = m.index + m[0].length;
    if (name === 'thead' && theadFrom >= 0) {
      const table = stackTable(stack);
      if (table) table.thead = body.slice(theadFrom, end);
      theadFrom = -1;
    }
    const boundary = (name === 'tr' && stack.at(-1)?.name === 'tbody') || name === 'section';
    if (!boundary || rows < rowsPerPart || stack.length === 0 && end === body.length) continue;
    // Cut here: close what is open, and reopen it at the start of the next part.
    const closers = [...stack].reverse().map((o) => `</${o.name}>`).join('');
    parts.push(prefix + body.slice(partStart, end) + closers);
    prefix = stack.map((o) => (o.name === 'tbody' ? `${stackTable(stack)?.thead ?? ''}${o.tag}` : o.tag)).join('');
    partStart = end;
    rows = 0;
  }
  const last = prefix + body.slice(partStart);
  if (last.trim() || parts.length === 0) parts.push(last);
  return { head, parts, tail };
}

function stackTable(stack: Open[]): Open | undefined {
  for (let i = stack.length - 1; i >= 0; i--) if (stack[i]!.name === 'table') return stack[i];
  return undefined;
}
