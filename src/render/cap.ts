/**
 * The document shows at most CELL_CHARS characters of any one value from the data (an error
 * message, a user agent, a policy): a longer one is cut and says its full length, so the HTML and
 * the PDF stay bounded whatever a field holds. report.json and the CSV files keep every value whole.
 */
export const CELL_CHARS = 4000;

export function cutText(s: string, max = CELL_CHARS): string {
  return s.length <= max ? s : `${s.slice(0, max)}… [cut: ${s.length.toLocaleString('en-US')} characters in all; the whole value is in report.json]`;
}

/**
 * A copy of a view (plain objects and arrays) with every long string cut. Iterative, so a value
 * nested deeper than the stack allows is copied like any other.
 */
export function capStrings<T>(value: T, max = CELL_CHARS): T {
  const root: { v: unknown } = { v: value };
  const stack: [Record<string | number, unknown>, string | number, unknown][] = [[root, 'v', value]];
  while (stack.length > 0) {
    const [parent, key, v] = stack.pop()!;
    if (typeof v === 'string') parent[key] = cutText(v, max);
    else if (Array.isArray(v)) {
      const copy: unknown[] = new Array(v.length);
      parent[key] = copy;
      for (let i = 0; i < v.length; i++) stack.push([copy as unknown as Record<number, unknown>, i, v[i]]);
    } else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const copy: Record<string, unknown> = {};
      parent[key] = copy;
      for (const k of Object.keys(v)) stack.push([copy, k, (v as Record<string, unknown>)[k]]);
    } else parent[key] = v;
  }
  return root.v as T;
}
