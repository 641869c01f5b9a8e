/**
 * A flat object's compact JSON (as JSON.stringify writes it: no spaces, canonical escapes) laid
 * out as JSON.stringify(…, null, 2) would at this indent; undefined when it nests anything.
 */
export function prettyFlat(line: string, indent: string): string | undefined {
  if (line.length < 2 || line.charCodeAt(0) !== 123 || line.charCodeAt(line.length - 1) !== 125) return undefined;
  if (line === '{}') return '{}';
  const inner = `${indent}  `;
  let out = `{\n${inner}`;
  let start = 1;
  let inString = false;
  for (let i = 1; i < line.length - 1; i++) {
    const c = line.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 58) {
      out += `${line.slice(start, i)}: `;
      start = i + 1;
    } else if (c === 44) {
      out += `${line.slice(start, i)},\n${inner}`;
      start = i + 1;
    } else if (c === 123 || c === 91) return undefined;
  }
  return `${out}${line.slice(start, line.length - 1)}\n${indent}}`;
}


/** One record's compact JSON line as JSON.stringify(record, null, 2) lays it out at this indent. */
export function prettyElement(line: string, indent: string): string {
  return prettyFlat(line, indent) ?? JSON.stringify(JSON.parse(line), null, 2).replace(/\n/g, `\n${indent}`);
}
