import type { ConfigItem } from '../../../model/types.js';
import { get, isObj, truthy } from '../util.js';

/** Reads a trail field whatever the casing the Config item uses (API camelCase or CloudFormation PascalCase). */
export function field(trail: ConfigItem, ...names: string[]): unknown {
  for (const source of [trail.configuration, trail.supplementaryConfiguration]) {
    if (!isObj(source)) continue;
    for (const n of names) {
      const v = get(source, n);
      if (v !== undefined && v !== null && v !== '') return v;
    }
  }
  return undefined;
}

export const trailFlag = (trail: ConfigItem, ...names: string[]) => truthy(field(trail, ...names));

/** False only when the item records that the trail is not logging. */
export function isLogging(trail: ConfigItem): boolean {
  const v = field(trail, 'isLogging', 'IsLogging', 'logging');
  return v === undefined ? true : truthy(v);
}

export const TRAIL = 'AWS::CloudTrail::Trail';
