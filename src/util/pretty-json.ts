/**
 * JSON.stringify(…, null, 2) text as it reads at some indent inside a larger document, without a
 * pass over the text: JSON.stringify indents by nesting, so a value is stringified inside as many
 * one-element arrays as the indent has levels (two spaces each) and the wrapping is cut off.
 */

/**
 * A value as one line of JSON for a table cell (HTML, CSV): JSON.stringify recurses, and a value
 * nested thousands of levels (which the parse stage rejects) makes it throw; a cell then says so
 * rather than end the run.
 */
export function cellJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '(value nested too deep to show)';
  }
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
export function omitted(v: unknown): boolean {
  return v === undefined || typeof v === 'function' || typeof v === 'symbol';
}

/** JSON.stringify(value, null, 2) as it reads at this indent (omitted values read as null, as in an array). */
export function stringifyAt(value: unknown, indent: string): string {
  if (indent === '') return omitted(value) ? 'null' : JSON.stringify(value, null, 2);
  return elementsAt([value], indent);
}

/** Elements of a list at this indent (that of the elements), as JSON.stringify writes them there: `el,\n<indent>el…`. */
export function elementsAt(elements: unknown[], indent: string): string {
  const levels = indent.length / 2 - 1;
  let wrapped: unknown = elements;
  for (let i = 0; i < levels; i++) wrapped = [wrapped];
  const s = JSON.stringify(wrapped, null, 2);
  const [head, tail] = wrapping(levels + 1);
  return s.slice(head.length + indent.length, s.length - tail.length);
}

const wrappings: [string, string][] = [];

/** What `levels` nested arrays put before and after their innermost element's first line. */
function wrapping(levels: number): [string, string] {
  let w = wrappings[levels];
  if (w === undefined) {
    let head = '';
    let tail = '';
    for (let i = 0; i < levels; i++) {
      head += `${' '.repeat(2 * i)}[\n`;
      tail = `\n${' '.repeat(2 * i)}]${tail}`;
    }
    wrappings[levels] = w = [head, tail];
  }
  return w;
}
