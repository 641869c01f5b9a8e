import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isS3Url } from './s3.js';

/**
 * The bytes the local inputs hold, for a progress bar with an ETA: a quick walk (names and sizes
 * only) that runs beside the read. S3 inputs are not counted (their size is known only as they are
 * listed), so with any S3 input there is no total.
 */
export async function localInputBytes(inputs: string[]): Promise<number | undefined> {
  if (inputs.some(isS3Url)) return undefined;
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const sizes = await Promise.all(entries.filter((e) => e.isFile()).map((e) => lstat(join(dir, e.name)).then((st) => st.size, () => 0)));
    for (const n of sizes) total += n;
    for (const e of entries) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  for (const input of inputs) {
    const st = await lstat(input).catch(() => undefined);
    if (!st) continue;
    if (st.isDirectory()) await walk(input);
    else if (st.isFile()) total += st.size;
  }
  return total;
}
