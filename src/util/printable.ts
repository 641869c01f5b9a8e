/**
 * Characters that must not reach a terminal raw: C0 and C1 controls (they drive it: colours, cursor,
 * title), and the invisible ones that change what a line seems to say: bidirectional overrides,
 * embeddings, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C; "Trojan
 * Source"), and every other format character (zero-width spaces and joiners, soft hyphen, BOM, tag
 * characters), line and paragraph separators (U+2028/U+2029), and lone surrogates.
 */
export const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * Paths and reasons can come from the data (archive entry names, JSON error excerpts): the
 * characters of UNPRINTABLE are shown as escapes (`\x1b`, `\u202e`, `\u{e0041}`), so they can
 * neither drive the terminal nor reorder or hide what it shows.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const code = ch.codePointAt(0)!;
    const hex = code.toString(16);
    return code <= 0xff ? `\\x${hex.padStart(2, '0')}` : code <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\u{${hex}}`;
  });
}
