import type { Check } from '../../model.js';
import { ADMIN_PORTS } from '../network.js';
import { asArray, get, perResource, str, truthy } from '../util.js';

function admits(entry: unknown, port: number): boolean {
  const proto = str(get(entry, 'protocol')) ?? '-1';
  if (proto !== '-1' && proto !== '6' && proto.toLowerCase() !== 'tcp') return false;
  const from = Number(get(entry, 'portRange', 'from'));
  const to = Number(get(entry, 'portRange', 'to'));
  if (proto === '-1' || !Number.isFinite(from) || !Number.isFinite(to)) return true;
  return from <= port && port <= to;
}

export const networkAclNoAdminPortsOpen: Check = {
  meta: {
    id: 'network-acl-no-admin-ports-open',
    title: 'No network ACL allows ingress from 0.0.0.0/0 or ::/0 to SSH (22) or RDP (3389)',
    severity: 'medium',
    resourceTypes: ['AWS::EC2::NetworkAcl'],
    needs: ['config'],
    description: 'Fails network ACLs with an inbound allow entry from the whole internet that covers port 22 or 3389 (all-protocol entries included).',
  },
  evaluate: (ev) =>
    perResource(
      ev,
      ['AWS::EC2::NetworkAcl'],
      (acl) => {
        const open = asArray(get(acl.configuration, 'entries')).find(
          (e) =>
            !truthy(get(e, 'egress')) &&
            str(get(e, 'ruleAction')) === 'allow' &&
            (get(e, 'cidrBlock') === '0.0.0.0/0' || get(e, 'ipv6CidrBlock') === '::/0') &&
            ADMIN_PORTS.some((p) => admits(e, p)),
        );
        return open ? `inbound rule ${str(get(open, 'ruleNumber')) ?? '?'} allows ${str(get(open, 'cidrBlock')) ?? str(get(open, 'ipv6CidrBlock'))} to administration ports` : undefined;
      },
      'network ACLs',
    ),
};
