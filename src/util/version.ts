import { readFileSync } from 'node:fs';
import { findPackageRoot } from './package-root.js';

/** configtrail's own name and version, from package.json (printed on the cover page). */
export function generatorInfo(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(`${findPackageRoot()}/package.json`, 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version };
}
