import type { Check, EvidenceNeed, Severity } from '../../model.js';
import { get, perResource, truthy } from '../util.js';

/** A check that one boolean setting of a resource type is on (RDS, EFS, EBS): the common shape. */
export function settingIsOn(o: { id: string; title: string; severity: Severity; types: string[]; fields: string[]; what: string; fact: string; description: string }): Check {
  const needs: EvidenceNeed[] = ['config'];
  return {
    meta: { id: o.id, title: o.title, severity: o.severity, resourceTypes: o.types, needs, description: o.description },
    evaluate: (ev) => perResource(ev, o.types, (item) => (o.fields.some((f) => truthy(get(item.configuration, f))) ? undefined : o.fact), o.what),
  };
}
