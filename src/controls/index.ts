import type { ControlResult } from '../model/types.js';
import { UsageError } from '../util/errors.js';
import { checkRegistry } from './checks/index.js';
import { evaluateFrameworks } from './evaluate.js';
import { DEFAULT_FRAMEWORK, loadBuiltinFramework, loadFrameworkFile, type Framework } from './frameworks.js';
import type { ControlEvidence } from './model.js';
import type { Waiver } from './waivers.js';

export { buildControlEvidence } from './evidence.js';
export { loadWaivers } from './waivers.js';
export { loadAuthorizedPrincipals } from './principals.js';
export { DEFAULT_FRAMEWORK, builtinFrameworkIds, loadBuiltinFramework } from './frameworks.js';
export { checkRegistry, ALL_CHECKS } from './checks/index.js';

/**
 * Resolves the frameworks a run asked for: built-in ids (`--framework`) and in-house files
 * (`--framework-file`). With neither, the default framework. Duplicate ids are a usage error.
 */
export function selectFrameworks(ids: string[], files: string[]): Framework[] {
  const known = new Set(checkRegistry().keys());
  const chosen = ids.length === 0 && files.length === 0 ? [DEFAULT_FRAMEWORK] : ids;
  const frameworks = [...chosen.map(loadBuiltinFramework), ...files.map((f) => loadFrameworkFile(f, known))];
  const seen = new Set<string>();
  for (const fw of frameworks) {
    if (seen.has(fw.id)) throw new UsageError(`framework "${fw.id}" selected twice`);
    seen.add(fw.id);
  }
  return frameworks;
}

/** The controls stage: every requirement of every selected framework, evaluated over the evidence. */
export function evaluateControls(frameworks: Framework[], ev: ControlEvidence, waivers: Waiver[] = []): ControlResult[] {
  return evaluateFrameworks(frameworks, checkRegistry(), ev, waivers);
}
