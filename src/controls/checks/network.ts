import { asArray, get, isObj, str } from './util.js';

/**
 * Reading security group and network ACL rules as AWS Config records them
 * (`configuration.ipPermissions[]` with `ipv4Ranges[].cidrIp` / `ipv6Ranges[].cidrIpv6`, the legacy
 * `ipRanges` string list; NACL `entries[]` with `cidrBlock`, `ipv6CidrBlock`, `portRange`).
 */

export const ADMIN_PORTS = [22, 3389];
export const WORLD_V4 = '0.0.0.0/0';
export const WORLD_V6 = '::/0';

export interface OpenRule {
  cidr: string;
  protocol: string;
  fromPort?: number;
  toPort?: number;
}

function portNum(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** Ingress rules of a security group that admit the given world CIDR. */
export function worldIngress(configuration: unknown, world: string): OpenRule[] {
  const out: OpenRule[] = [];
  for (const p of asArray(get(configuration, 'ipPermissions'))) {
    if (!isObj(p)) continue;
    const cidrs = [
      ...asArray(p.ipv4Ranges).map((r) => str(get(r, 'cidrIp'))),
      ...asArray(p.ipv6Ranges).map((r) => str(get(r, 'cidrIpv6'))),
      ...asArray(p.ipRanges).map((r) => (typeof r === 'string' ? r : str(get(r, 'cidrIp')))),
    ];
    if (!cidrs.includes(world)) continue;
    out.push({ cidr: world, protocol: str(p.ipProtocol) ?? '-1', fromPort: portNum(p.fromPort), toPort: portNum(p.toPort) });
  }
  return out;
}

/** Whether a rule admits TCP traffic to the port (all-traffic rules and port ranges included). */
export function admitsPort(rule: OpenRule, port: number): boolean {
  const proto = rule.protocol.toLowerCase();
  if (proto === '-1' || proto === 'all') return true;
  if (proto !== 'tcp' && proto !== '6') return false;
  if (rule.fromPort === undefined || rule.toPort === undefined) return true;
  if (rule.fromPort === -1) return true;
  return rule.fromPort <= port && port <= rule.toPort;
}

export function describeRule(rule: OpenRule): string {
  const proto = rule.protocol === '-1' ? 'all traffic' : rule.protocol.toUpperCase();
  const ports = rule.protocol === '-1' || rule.fromPort === undefined ? '' : rule.fromPort === rule.toPort ? ` port ${rule.fromPort}` : ` ports ${rule.fromPort}-${rule.toPort}`;
  return `${proto}${ports} open to ${rule.cidr}`;
}

/**
 * Every world-open rule reaching one of the ports, described and sorted (the fact a finding states,
 * so that a change adding or removing one such rule is a change of the fact); undefined when none.
 */
export function openToWorldOn(configuration: unknown, world: string, ports: number[]): string | undefined {
  const open = worldIngress(configuration, world).filter((rule) => ports.some((p) => admitsPort(rule, p)));
  return open.length > 0 ? [...new Set(open.map(describeRule))].sort().join('; ') : undefined;
}
