import type { ControlResult } from '../model/types.js';
import { UsageError } from '../util/errors.js';
import { checkRegistry } from './checks/index.js';
import { ActivityGathering, checksUsed, evaluateFrameworks, type GatheredActivity } from './evaluate.js';
import { DEFAULT_FRAMEWORK, loadBuiltinFramework, loadFrameworkFile, type Framework } from './frameworks.js';
import type { ActivityContext, ControlEvidence } from './model.js';
import type { Waiver } from './waivers.js';

export { buildControlEvidence, controlContext, withCorrelation } from './evidence.js';
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

/**
 * The activity queries of the checks the frameworks use, to be fed the correlate stage's pass
 * (correlate/index.ts) before the controls are evaluated.
 */
export function activityGathering(frameworks: Framework[], context: ActivityContext): ActivityGathering {
  return new ActivityGathering(checksUsed(frameworks, checkRegistry()), context);
}

/**
 * The controls stage: every requirement of every selected framework, evaluated over the evidence,
 * from what the checks' activity queries gathered (`gathered`: else in a pass of their own).
 */
export function evaluateControls(frameworks: Framework[], ev: ControlEvidence, waivers: Waiver[] = [], gathered?: GatheredActivity): ControlResult[] {
  return evaluateFrameworks(frameworks, checkRegistry(), ev, waivers, gathered);
}
