import type { ChangeType, ConfigItem, DiffEntry } from '../model/types.js';
import { obj } from './sessions.js';
import { deliveredDiff } from './diff.js';

/**
 * What a change did, in words a reviewer reads without the diff: "added ingress tcp 3389 from
 * 0.0.0.0/0", "tag Owner changed from a to b". Security group rules are compared by what they
 * admit (protocol, ports, source), tags by key; other types name the fields that changed.
 */
export function describeChange(prev: ConfigItem | undefined, item: ConfigItem, changeType: ChangeType, diff: DiffEntry[]): string[] {
  if (changeType === 'create') return ['created'];
  if (changeType === 'delete') return ['deleted'];
  if (item.oversized) {
    const where = item.s3BucketLocation === undefined ? '' : `; AWS Config put it at s3://${item.s3BucketLocation}`;
    return [`changed; the configuration was not delivered (oversized notification)${where}`];
  }
  if (!prev || prev.oversized) {
    // `Configuration.Attachments.0` → `Configuration.Attachments`, `Relationships.0` → `Relationships`.
    const fields = deliveredDiff(item.configurationItemDiff)?.map((d) => d.path.split('.').filter((s) => !/^\d+$/.test(s)).slice(0, 2).join('.'));
    if (!fields) return ['changed; the previous state is not in the input'];
    return [`changed ${listed([...new Set(fields)])} (as AWS Config's configurationItemDiff says; the previous state is not in the input)`];
  }
  const out: string[] = [];
  if (item.resourceType === 'AWS::EC2::SecurityGroup') {
    for (const direction of ['ingress', 'egress'] as const) {
      const field = direction === 'ingress' ? 'ipPermissions' : 'ipPermissionsEgress';
      const before = new Set(ruleTexts(field, prev.configuration));
      const after = new Set(ruleTexts(field, item.configuration));
      for (const r of after) if (!before.has(r)) out.push(`added ${direction} ${r}`);
      for (const r of before) if (!after.has(r)) out.push(`removed ${direction} ${r}`);
    }
  }
  for (const key of [...new Set([...Object.keys(prev.tags), ...Object.keys(item.tags)])].sort()) {
    const a = Object.prototype.hasOwnProperty.call(prev.tags, key) ? prev.tags[key] : undefined;
    const b = Object.prototype.hasOwnProperty.call(item.tags, key) ? item.tags[key] : undefined;
    if (a === b) continue;
    out.push(a === undefined ? `tag ${key} added: ${b}` : b === undefined ? `tag ${key} removed (was ${a})` : `tag ${key} changed from ${a} to ${b}`);
  }
  // What the sentences above do not cover: the fields that changed, by their top-level name.
  const covered = (path: string) => path.startsWith('tags') || (item.resourceType === 'AWS::EC2::SecurityGroup' && /^configuration\.ipPermissions(Egress)?\b/.test(path));
  const fields = [...new Set(diff.filter((d) => !covered(d.path)).map((d) => fieldOf(d.path)))];
  if (fields.length > 0) out.push(`changed ${listed(fields)}`);
  return out.length > 0 ? out : ['changed'];
}

/** Up to six names, and how many more. */
function listed(names: string[]): string {
  return `${names.slice(0, 6).join(', ')}${names.length > 6 ? ` and ${names.length - 6} more` : ''}`;
}

/** `configuration.ipPermissions[1].ipRanges[0]` → `configuration.ipPermissions`. */
function fieldOf(path: string): string {
  const m = /^(\w+)(?:\.([\w$-]+)|\["([^"]*)"\])?/.exec(path);
  if (!m) return path;
  return m[2] ?? m[3] ? `${m[1]}.${m[2] ?? m[3]}` : m[1]!;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** One line per (protocol, ports, source) a security group's rules admit, as AWS Config records them. */
function ruleTexts(field: string, configuration: unknown): string[] {
  const out: string[] = [];
  for (const p of list(obj(configuration)?.[field])) {
    const rule = obj(p);
    if (!rule) continue;
    const proto = String(rule.ipProtocol ?? '-1');
    const ports = proto === '-1' ? 'all traffic' : rule.fromPort === undefined || rule.fromPort === rule.toPort ? `${proto} ${String(rule.fromPort ?? 'all')}` : `${proto} ${String(rule.fromPort)}-${String(rule.toPort)}`;
    const sources = new Set<string>();
    for (const r of list(rule.ipv4Ranges)) sources.add(String(obj(r)?.cidrIp ?? ''));
    for (const r of list(rule.ipRanges)) sources.add(typeof r === 'string' ? r : String(obj(r)?.cidrIp ?? ''));
    for (const r of list(rule.ipv6Ranges)) sources.add(String(obj(r)?.cidrIpv6 ?? ''));
    for (const r of list(rule.prefixListIds)) sources.add(String(obj(r)?.prefixListId ?? ''));
    for (const r of list(rule.userIdGroupPairs)) sources.add(String(obj(r)?.groupId ?? ''));
    sources.delete('');
    for (const s of sources.size > 0 ? [...sources] : ['(no source)']) out.push(`${ports} ${field === 'ipPermissions' ? 'from' : 'to'} ${s}`);
  }
  return out.sort();
}
