import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use, not at start-up: most runs never parse YAML or CSV, and a
 * command-line tool pays for every module it loads before doing anything.
 */
export function lazy<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= require(id) as T);
}

/** The CSV libraries, shared by every module that reads or writes CSV. */
export const csvParse = lazy<typeof import('csv-parse/sync')>('csv-parse/sync');
export const csvStringify = lazy<typeof import('csv-stringify/sync')>('csv-stringify/sync');
