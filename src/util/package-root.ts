import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder holding configtrail's package.json. Code runs both from `src/` (tests) and from
 * `dist/src/` (the built CLI), so walk up rather than assume a depth.
 */
export function findPackageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the configtrail package folder (package.json + templates/)');
    dir = up;
  }
}
