import type { Actor, ActorStep, CloudTrailEvent, UserIdentity } from '../model/types.js';
import { findIssuer, obj, type SessionIndex } from './sessions.js';

/** Role chains longer than this are cut (AWS itself limits chaining; data loops are cut earlier). */
const MAX_DEPTH = 10;

interface Origin {
  origin: string;
  originType: string;
  /** From the origin to the principal that was resolved. */
  chain: ActorStep[];
  resolved: boolean;
}

function s(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** `arn:aws:sts::123:assumed-role/Role/session` → role name and session name. */
export function parseSessionArn(arn: string | undefined): { account?: string; role?: string; session?: string } {
  const m = /^arn:aws[\w-]*:sts::(\d*):assumed-role\/(.+)\/([^/]+)$/.exec(arn ?? '');
  if (!m) return {};
  const rolePath = m[2]!;
  return { account: m[1], role: rolePath.slice(rolePath.lastIndexOf('/') + 1), session: m[3] };
}

/** `arn:aws:iam::123:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRole…` → the service. */
function serviceOfServiceLinkedRole(arn: string | undefined): string | undefined {
  return /:role\/aws-service-role\/([^/]+)\//.exec(arn ?? '')?.[1];
}

function isSsoRole(roleName: string | undefined, identityProvider?: string): boolean {
  return (!!roleName && roleName.startsWith('AWSReservedSSO_')) || (!!identityProvider && /AWSSSO_/.test(identityProvider));
}

function withDefined(step: ActorStep): ActorStep {
  for (const k of Object.keys(step) as (keyof ActorStep)[]) if (step[k] === undefined) delete step[k];
  return step;
}

/** The step for the identity that made `event`, and how it was created (`via` the issuing call). */
function stepOf(ui: UserIdentity, accountId: string): ActorStep {
  const type = ui.type ?? 'Unknown';
  switch (type) {
    case 'IAMUser':
      return withDefined({ type, name: ui.userName ?? ui.arn ?? ui.principalId ?? 'unknown', arn: ui.arn, accountId: ui.accountId ?? accountId });
    case 'Root':
      return withDefined({ type, name: 'root', arn: rootArn(ui, accountId), accountId: ui.accountId ?? accountId });
    case 'AssumedRole': {
      const { role, session } = parseSessionArn(ui.arn);
      const name = role && session ? `${role}/${session}` : (ui.arn ?? ui.principalId ?? 'unknown session');
      return withDefined({ type, name, arn: ui.arn, accountId: ui.accountId ?? accountId });
    }
    case 'AWSService':
      return { type, name: ui.invokedBy ?? ui.principalId ?? 'AWS service' };
    default:
      return withDefined({ type, name: ui.userName ?? ui.arn ?? ui.principalId ?? 'unknown', arn: ui.arn, accountId: ui.accountId });
  }
}

function rootArn(ui: UserIdentity, accountId: string): string {
  return ui.arn && /:root$/.test(ui.arn) ? ui.arn : `arn:aws:iam::${ui.accountId ?? accountId}:root`;
}

/**
 * Resolves who is behind the identity that made `event`: follows a session's access key to the STS
 * call that issued it, and that call's caller in turn, through role chains (cross-account too), to
 * an IAM user, the root user, an IAM Identity Center or SAML user, a web-identity subject, or an AWS
 * service. Loop-safe; a chain whose issuing call is not in the data stops there, unresolved.
 */
export function resolveActor(event: CloudTrailEvent, sessions: SessionIndex): Actor {
  const ui = event.userIdentity;
  // The store shares identity objects between events, and but for the federation calls themselves
  // an actor depends only on the identity, the account and the sessions: resolved once, shared
  // (read-only) by every event and finding that cites it.
  const cacheable = ui.type !== 'SAMLUser' && ui.type !== 'WebIdentityUser';
  const perSessions = cacheable ? (cache.get(sessions) ?? cache.set(sessions, new WeakMap()).get(sessions)!) : undefined;
  const byAccount = perSessions?.get(ui);
  const known = byAccount?.get(event.accountId);
  if (known) return known;
  const actor = computeActor(event, sessions);
  if (perSessions) {
    const m = byAccount ?? new Map<string, Actor>();
    m.set(event.accountId, actor);
    if (!byAccount) perSessions.set(ui, m);
  }
  return actor;
}

const cache = new WeakMap<SessionIndex, WeakMap<UserIdentity, Map<string, Actor>>>();

function computeActor(event: CloudTrailEvent, sessions: SessionIndex): Actor {
  const ui = event.userIdentity;
  const o = resolveIdentity(event, sessions, 0, new Set());
  const actor: Actor = { type: ui.type ?? 'Unknown', origin: o.origin, originType: o.originType, chain: o.chain, resolved: o.resolved };
  if (ui.arn) actor.arn = ui.arn;
  const sourceIdentity = ui.sessionContext?.sourceIdentity ?? findSourceIdentity(o.chain);
  if (sourceIdentity) actor.sourceIdentity = sourceIdentity;
  const mfa = ui.sessionContext?.attributes?.mfaAuthenticated;
  if (mfa === 'true' || mfa === 'false') actor.mfa = mfa === 'true';
  // A call a service made with the principal's own credentials (CloudFormation for the stack's caller).
  const by = s(ui.invokedBy);
  if (by && by !== o.origin && !o.chain.some((st) => st.name === by)) actor.invokedBy = by;
  return actor;
}

function findSourceIdentity(chain: ActorStep[]): string | undefined {
  for (const st of chain) if (st.type === 'SourceIdentity') return st.name;
  return undefined;
}

/** Resolves the identity of `event` (the caller), returning the chain from origin to that caller. */
function resolveIdentity(event: CloudTrailEvent, sessions: SessionIndex, depth: number, seen: Set<string>): Origin {
  const ui = event.userIdentity;
  const step = stepOf(ui, event.accountId);
  switch (ui.type) {
    case 'IAMUser': {
      const arn = ui.arn ?? `arn:aws:iam::${ui.accountId ?? event.accountId}:user/${ui.userName ?? 'unknown'}`;
      return { origin: arn, originType: 'IAMUser', chain: [step], resolved: true };
    }
    case 'Root':
      return { origin: rootArn(ui, event.accountId), originType: 'Root', chain: [step], resolved: true };
    case 'AWSService': {
      const svc = ui.invokedBy ?? ui.principalId ?? 'AWS service';
      return { origin: svc, originType: 'AWSService', chain: [step], resolved: true };
    }
    case 'SAMLUser': {
      // The federation call itself (AssumeRoleWithSAML): the user is named by the identity provider.
      const role = parseRoleArn(s(obj(event.requestParameters)?.roleArn));
      const name = ui.userName ?? s(obj(event.responseElements)?.subject) ?? ui.principalId ?? 'unknown';
      const sso = isSsoRole(role, ui.identityProvider);
      return { origin: name, originType: sso ? 'SSOUser' : 'SAMLUser', chain: [{ type: sso ? 'SSOUser' : 'SAMLUser', name, ...(sso ? { via: 'IAM Identity Center' } : {}) }], resolved: true };
    }
    case 'WebIdentityUser': {
      const name = ui.userName ?? s(obj(event.responseElements)?.subjectFromWebIdentityToken) ?? ui.principalId ?? 'unknown';
      return { origin: name, originType: 'WebIdentityUser', chain: [withDefined({ type: 'WebIdentityUser', name, arn: ui.identityProvider })], resolved: true };
    }
    case 'FederatedUser': {
      // GetFederationToken: the session issuer is the IAM user that asked for it.
      const issuer = ui.sessionContext?.sessionIssuer;
      const userArn = issuer?.arn ?? 'unknown';
      return {
        origin: userArn,
        originType: issuer?.type === 'Root' ? 'Root' : 'IAMUser',
        chain: [withDefined({ type: issuer?.type ?? 'IAMUser', name: issuer?.userName ?? userArn, arn: issuer?.arn }), step],
        resolved: !!issuer?.arn,
      };
    }
    case 'AWSAccount': {
      const acct = ui.accountId ?? ui.principalId ?? 'unknown';
      return { origin: `account:${acct}`, originType: 'AWSAccount', chain: [step], resolved: true };
    }
    case 'IdentityCenterUser': {
      const id = ui.onBehalfOf?.userId;
      return { origin: ui.userName ?? (id ? `identitystore-user:${id}` : 'unknown'), originType: 'SSOUser', chain: [step], resolved: true };
    }
    case 'AssumedRole':
      return resolveSession(event, step, sessions, depth, seen);
    default: {
      const name = ui.userName ?? ui.principalId ?? ui.invokedBy ?? 'unknown';
      return { origin: name, originType: ui.type ?? 'Unknown', chain: [step], resolved: false };
    }
  }
}

/** An EC2 instance id used as a role session name (`i-` and 8 or 17 hex digits), as instance profiles name their sessions. */
function instanceOfSession(session: string | undefined): string | undefined {
  return session && /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(session) ? session : undefined;
}

/** An AssumeRole EC2 made itself, for an instance profile: not a person's call with a session named like an instance. */
function deliveredByEc2(issuing: CloudTrailEvent): boolean {
  const ui = issuing.userIdentity;
  return issuing.eventName === 'AssumeRole' && ui.type === 'AWSService' && (ui.invokedBy ?? ui.principalId) === 'ec2.amazonaws.com';
}

function parseRoleArn(arn: string | undefined): string | undefined {
  const m = /:role\/(?:.*\/)?([^/]+)$/.exec(arn ?? '');
  return m?.[1];
}

function resolveSession(event: CloudTrailEvent, step: ActorStep, sessions: SessionIndex, depth: number, seen: Set<string>): Origin {
  const ui = event.userIdentity;
  const ctx = ui.sessionContext;
  const issuerArn = ctx?.sessionIssuer?.arn;
  const { role, session } = parseSessionArn(ui.arn);
  const roleName = ctx?.sessionIssuer?.userName ?? role;

  const service = serviceOfServiceLinkedRole(issuerArn);
  if (service) {
    return { origin: service, originType: 'AWSService', chain: [{ type: 'AWSService', name: service, via: 'service-linked role' }, step], resolved: true };
  }

  const issuing =
    depth < MAX_DEPTH
      ? findIssuer(sessions, { accessKeyId: ui.accessKeyId, principalId: ui.principalId, creationDate: ctx?.attributes?.creationDate, arn: ui.arn, timeMs: event.eventTimeMs })
      : undefined;
  // An instance profile's session: EC2 only delivered the credentials; the instance is the origin.
  const instance = instanceOfSession(session);
  if (instance && (issuing ? deliveredByEc2(issuing) : !!ctx?.ec2RoleDelivery)) {
    const origin = `ec2-instance:${instance} (role ${roleName ?? 'unknown'})`;
    const link = issuing ? withDefined({ ...step, via: issuing.eventName, eventId: issuing.eventId, eventTime: issuing.eventTime }) : { ...step, via: 'instance profile' };
    return { origin, originType: 'EC2Instance', chain: [withDefined({ type: 'EC2Instance', name: instance, accountId: ui.accountId ?? event.accountId }), link], resolved: true };
  }
  if (issuing && !seen.has(issuing.eventId)) {
    seen.add(issuing.eventId);
    const parent = resolveIdentity(issuing, sessions, depth + 1, seen);
    const link = withDefined({ ...step, via: issuing.eventName, eventId: issuing.eventId, eventTime: issuing.eventTime });
    // An SSO permission set's session: the SAML user is the person.
    if (parent.originType === 'SAMLUser' && isSsoRole(roleName)) {
      parent.originType = 'SSOUser';
      parent.chain = parent.chain.map((st) => (st.type === 'SAMLUser' ? { ...st, type: 'SSOUser', via: 'IAM Identity Center' } : st));
    }
    const srcId = s(obj(issuing.requestParameters)?.sourceIdentity);
    const chain = srcId && !parent.chain.some((st) => st.type === 'SourceIdentity') ? [...parent.chain, { type: 'SourceIdentity', name: srcId }, link] : [...parent.chain, link];
    return { ...parent, chain };
  }

  // The issuing call is not in the data: say what the session itself tells.
  if (isSsoRole(roleName) && session) {
    return { origin: session, originType: 'SSOUser', chain: [{ type: 'SSOUser', name: session, via: 'IAM Identity Center' }, step], resolved: true };
  }
  if (ui.onBehalfOf?.userId) {
    const origin = `identitystore-user:${ui.onBehalfOf.userId}`;
    return { origin, originType: 'SSOUser', chain: [{ type: 'SSOUser', name: origin, via: 'IAM Identity Center' }, step], resolved: true };
  }
  if (ctx?.sourceIdentity) {
    return { origin: ctx.sourceIdentity, originType: 'SourceIdentity', chain: [{ type: 'SourceIdentity', name: ctx.sourceIdentity }, step], resolved: false };
  }
  const provider = ctx?.webIdFederationData?.federatedProvider;
  if (provider) {
    const origin = `${provider} (subject unknown)`;
    return { origin, originType: 'WebIdentityUser', chain: [{ type: 'WebIdentityUser', name: origin }, step], resolved: false };
  }
  if (ui.invokedBy && /\.amazonaws\.com$/.test(ui.invokedBy)) {
    return { origin: ui.invokedBy, originType: 'AWSService', chain: [{ type: 'AWSService', name: ui.invokedBy }, step], resolved: false };
  }
  return { origin: ui.arn ?? ui.principalId ?? 'unknown session', originType: 'AssumedRole', chain: [step], resolved: false };
}
