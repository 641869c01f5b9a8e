import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { activityGathering, ALL_CHECKS, buildControlEvidence, builtinFrameworkIds, checkRegistry, controlContext, evaluateControls, loadBuiltinFramework, loadWaivers, selectFrameworks, withCorrelation } from '../src/controls/index.js';
import { activityOf } from '../src/correlate/activity.js';
import { correlate } from '../src/correlate/index.js';
import { evaluateFrameworks, worstStatus } from '../src/controls/evaluate.js';
import type { Framework } from '../src/controls/frameworks.js';
import { loadFrameworkFile } from '../src/controls/frameworks.js';
import type { ActivityEvent, Check } from '../src/controls/model.js';
import { loadAuthorizedPrincipals } from '../src/controls/principals.js';
import { tempDir } from './helpers/cli.js';
import { ACCOUNT, ALICE, ROOT, evidenceOf, event, item, onePass, storeEvidence } from './helpers/evidence.js';

const FRAMEWORK_IDS = ['cis-aws-v3.0', 'cis-aws-v6.0', 'nist-800-53-r5', 'pci-dss-v4.0', 'soc2'];

describe('built-in frameworks', () => {
  it('ships the five frameworks under their public ids', () => {
    expect(builtinFrameworkIds()).toEqual(FRAMEWORK_IDS);
  });

  it('refer only to checks that exist, and every check serves at least one framework', () => {
    const known = new Set(checkRegistry().keys());
    const used = new Set<string>();
    for (const id of FRAMEWORK_IDS) {
      for (const r of loadBuiltinFramework(id).requirements) {
        const mapped = [...r.checks, ...(r.indicators ?? []), ...(r.supporting ?? [])];
        for (const c of mapped) {
          expect(known.has(c), `${id} ${r.id} → ${c}`).toBe(true);
          used.add(c);
        }
        if (r.checks.length === 0) expect(r.manual, `${id} ${r.id} has no deciding check and no manual reason`).toBeTruthy();
        if (mapped.length > 0) expect(r.rationale, `${id} ${r.id} maps checks without a rationale`).toBeTruthy();
      }
    }
    expect(ALL_CHECKS.map((c) => c.meta.id).filter((c) => !used.has(c))).toEqual([]);
  });

  it('decides 41 of the 63 CIS v6.0 requirements from exported data; "… is monitored" only with the activity as support', () => {
    const cis = loadBuiltinFramework('cis-aws-v6.0');
    expect(cis.requirements).toHaveLength(63);
    expect(cis.requirements.filter((r) => r.checks.length > 0).length).toBe(41);
    const monitored = cis.requirements.filter((r) => / monitored$/.test(r.title));
    expect(monitored.map((r) => r.id)).toEqual(Array.from({ length: 15 }, (_, i) => `5.${i + 1}`));
    for (const r of monitored) {
      expect(r.checks).toEqual([]);
      expect(r.supporting?.[0]).toMatch(/^activity-/);
      expect(r.manual).toMatch(/metric filter/);
    }
    // IPv4 and IPv6 each decided by their own check.
    expect(cis.requirements.find((r) => r.id === '6.3')!.checks).toEqual(['security-group-no-admin-ports-open-ipv4']);
    expect(cis.requirements.find((r) => r.id === '6.4')!.checks).toEqual(['security-group-no-admin-ports-open-ipv6']);
  });

  it('SOC 2, PCI DSS and NIST requirements are never passed by configuration checks, and SOC 2 uses the official criteria ids', () => {
    for (const id of ['soc2', 'pci-dss-v4.0', 'nist-800-53-r5']) expect(loadBuiltinFramework(id).requirements.filter((r) => r.checks.length > 0), id).toEqual([]);
    const soc2 = loadBuiltinFramework('soc2').requirements;
    expect(soc2.map((r) => r.id)).toContain('CC8.1');
    expect(soc2.find((r) => r.id === 'A1.2')).toMatchObject({ aliases: ['cc_a_1_1'] });
    expect(soc2.find((r) => r.id === 'CC8.1')!.title).not.toMatch(/^CC8\.1/);
    // CC6.2 is about issuing and removing credentials, CC3.1 about objectives: no database or recorder check decides them.
    expect(soc2.find((r) => r.id === 'CC6.2')!.indicators).toEqual(['unused-credentials-disabled', 'no-access-keys-created-at-setup']);
    expect(soc2.find((r) => r.id === 'CC3.1')!.indicators).toBeUndefined();
  });

  it('has unique check ids with complete metadata', () => {
    const ids = ALL_CHECKS.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of ALL_CHECKS) {
      expect(c.meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(c.meta.title.length).toBeGreaterThan(10);
      expect(c.meta.description.length).toBeGreaterThan(20);
    }
  });

  it('rejects an unknown framework id with the list of known ones', () => {
    expect(() => selectFrameworks(['cis-aws-v9'], [])).toThrow(/unknown framework "cis-aws-v9" \(known: cis-aws-v3.0, cis-aws-v6.0/);
    expect(selectFrameworks([], []).map((f) => f.id)).toEqual(['cis-aws-v6.0']);
  });
});

function fakeCheck(id: string, status: 'PASS' | 'FAIL' | 'NOT_APPLICABLE' | 'INSUFFICIENT_DATA', throws = false): Check {
  return {
    meta: { id, title: id, severity: 'low', resourceTypes: [], needs: ['config'], description: id },
    evaluate: () => {
      if (throws) throw new Error('boom');
      return {
        status,
        reason: `${id} says ${status}`,
        findings: status === 'FAIL' ? [{ resourceId: `r-${id}`, resourceType: 'AWS::EC2::SecurityGroup', status: 'FAIL', detail: `${id} failed` }] : [],
      };
    },
  };
}

describe('requirement evaluation', () => {
  const checks = new Map([fakeCheck('a-pass', 'PASS'), fakeCheck('b-fail', 'FAIL'), fakeCheck('c-na', 'NOT_APPLICABLE'), fakeCheck('d-nodata', 'INSUFFICIENT_DATA'), fakeCheck('e-throws', 'PASS', true)].map((c) => [c.meta.id, c]));
  const fw: Framework = {
    id: 'fw',
    title: 'FW',
    requirements: [
      { id: '1', title: 'pass and n/a', checks: ['a-pass', 'c-na'] },
      { id: '2', title: 'pass and fail', checks: ['a-pass', 'b-fail'] },
      { id: '3', title: 'no data is never a pass', checks: ['a-pass', 'd-nodata'] },
      { id: '4', title: 'a throwing check is an error', checks: ['e-throws'] },
      { id: '5', title: 'manual', checks: [], manual: 'needs a signed policy document' },
      { id: '6', title: 'only n/a', checks: ['c-na'] },
    ],
  };

  it('takes the worst status of the checks, records each check, and never turns missing data into PASS', () => {
    const r = evaluateFrameworks([fw], checks, evidenceOf({}));
    expect(r.map((c) => [c.id, c.status])).toEqual([
      ['1', 'PASS'],
      ['2', 'FAIL'],
      ['3', 'INSUFFICIENT_DATA'],
      ['4', 'ERROR'],
      ['5', 'MANUAL'],
      ['6', 'NOT_APPLICABLE'],
    ]);
    expect(r[1]!.findings).toEqual([expect.objectContaining({ resourceId: 'r-b-fail', check: 'b-fail' })]);
    expect(r[3]!.reason).toBe('check failed: boom');
    expect(r[4]!.reason).toBe('needs a signed policy document');
    expect(r[1]!.checks?.map((c) => c.status)).toEqual(['PASS', 'FAIL']);
  });

  it('indicators fail a requirement on an exception but never pass it; supporting checks decide nothing and their findings stand apart', () => {
    const broad: Framework = {
      id: 'broad',
      title: 'B',
      requirements: [
        { id: 'X1', title: 'no exception', checks: [], indicators: ['a-pass', 'c-na'], manual: 'needs the access review records', rationale: 'why' },
        { id: 'X2', title: 'an exception', checks: [], indicators: ['a-pass', 'b-fail'], manual: 'needs the access review records', aliases: ['x_2'] },
        { id: 'X3', title: 'activity beside a manual requirement', checks: [], supporting: ['b-fail'], manual: 'needs the alarm configuration' },
        { id: 'X4', title: 'decided, with an indicator', checks: ['a-pass'], indicators: ['c-na'] },
      ],
    };
    const r = evaluateFrameworks([broad], checks, evidenceOf({}));
    expect(r.map((c) => [c.id, c.status])).toEqual([['X1', 'MANUAL'], ['X2', 'FAIL'], ['X3', 'MANUAL'], ['X4', 'PASS']]);
    expect(r[0]!.reason).toBe('no exception found by 2 checks that can reveal one (a-pass: PASS; c-na: NOT_APPLICABLE); needs the access review records');
    expect(r[0]!.rationale).toBe('why');
    expect(r[1]!.findings.map((f) => f.check)).toEqual(['b-fail']);
    expect(r[2]!.findings).toEqual([]);
    expect(r[2]!.supportingFindings?.map((f) => f.check)).toEqual(['b-fail']);
    expect(r[2]!.checks?.map((c) => [c.check, c.role])).toEqual([['b-fail', 'supports']]);
    // A waiver may name a requirement by an earlier id it is also known by.
    const dir = tempDir('alias');
    writeFileSync(join(dir, 'w.yaml'), 'waivers:\n  - control: broad:x_2\n    reason: accepted\n');
    expect(evaluateFrameworks([broad], checks, evidenceOf({}), loadWaivers(join(dir, 'w.yaml')))[1]!.waived).toBe(1);
  });

  it('orders statuses FAIL > ERROR > INSUFFICIENT_DATA > MANUAL > PASS > NOT_APPLICABLE', () => {
    expect(worstStatus(['PASS', 'NOT_APPLICABLE'])).toBe('PASS');
    expect(worstStatus(['MANUAL', 'PASS'])).toBe('MANUAL');
    expect(worstStatus(['INSUFFICIENT_DATA', 'ERROR'])).toBe('ERROR');
    expect(worstStatus([])).toBe('NOT_APPLICABLE');
  });

  it('applies a valid waiver (the requirement passes, the finding shows the justification) and ignores an expired one', () => {
    const dir = tempDir('waivers');
    const file = join(dir, 'waivers.yaml');
    writeFileSync(
      file,
      [
        'waivers:',
        '  - control: fw:2',
        '    resource: r-b-fail',
        '    reason: Bastion host, accepted by the CISO',
        '    approver: ciso@example.com',
        '    ticket: SEC-42',
        '    expires: 2027-01-31',
        '',
      ].join('\n'),
    );
    const valid = evaluateFrameworks([fw], checks, evidenceOf({}), loadWaivers(file))[1]!;
    expect(valid.status).toBe('PASS');
    expect(valid.waived).toBe(1);
    expect(valid.findings[0]!.waiver).toEqual({ reason: 'Bastion host, accepted by the CISO', approver: 'ciso@example.com', ticket: 'SEC-42', expires: '2027-01-31', expired: false });

    writeFileSync(file, readFileSync(file, 'utf8').replace('2027-01-31', '2026-08-15'));
    const expired = evaluateFrameworks([fw], checks, evidenceOf({}), loadWaivers(file))[1]!;
    expect(expired.status).toBe('FAIL');
    expect(expired.waived).toBeUndefined();
    expect(expired.findings[0]!.waiver).toMatchObject({ expired: true, expires: '2026-08-15' });
  });
});

describe('data files name the line of a mistake', () => {
  const dir = tempDir('datafiles');
  const write = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const known = new Set(['security-group-no-admin-ports-open-ipv4']);

  it('reads a custom framework from YAML and from CSV', () => {
    const y = loadFrameworkFile(
      write('acme.yaml', 'id: acme\ntitle: ACME baseline\nrequirements:\n  - id: NET-1\n    title: No SSH from the internet\n    checks: [security-group-no-admin-ports-open-ipv4]\n  - id: ORG-1\n    title: Policies reviewed\n    manual: Board minutes\n'),
      known,
    );
    const acme = 'id: acme\ntitle: ACME baseline\nrequirements:\n  - id: NET-1\n    title: No SSH from the internet\n    checks: [security-group-no-admin-ports-open-ipv4]\n  - id: ORG-1\n    title: Policies reviewed\n    manual: Board minutes\n';
    expect(y).toEqual({
      id: 'acme',
      title: 'ACME baseline',
      // The file as read, recorded in report.json's criteria.
      sha256: createHash('sha256').update(acme).digest('hex'),
      file: join(dir, 'acme.yaml'),
      requirements: [
        { id: 'NET-1', title: 'No SSH from the internet', checks: ['security-group-no-admin-ports-open-ipv4'] },
        { id: 'ORG-1', title: 'Policies reviewed', checks: [], manual: 'Board minutes' },
      ],
    });
    const c = loadFrameworkFile(write('inhouse.csv', 'id,title,section,checks\nN1,No SSH,Network,security-group-no-admin-ports-open-ipv4\n'), known);
    expect(c.id).toBe('inhouse');
    expect(c.requirements[0]).toEqual({ id: 'N1', title: 'No SSH', section: 'Network', checks: ['security-group-no-admin-ports-open-ipv4'] });
  });

  it('malformed YAML, unknown checks and missing fields are one-line errors with the line', () => {
    const bad = write('bad.yaml', 'id: x\nrequirements:\n  - id: A\n    title: [unclosed\n');
    expect(() => loadFrameworkFile(bad, known)).toThrow(new RegExp(`^${bad}:\\d+: invalid YAML`));
    const unknown = write('unknown.yaml', 'id: x\nrequirements:\n  - id: A\n    title: T\n    checks: [no-such-check]\n');
    expect(() => loadFrameworkFile(unknown, known)).toThrow(`${unknown}:3: unknown check "no-such-check"`);
    const missing = write('missing.yaml', 'id: x\nrequirements:\n  - id: A\n    title: T\n    checks: [security-group-no-admin-ports-open-ipv4]\n  - title: no id\n    manual: m\n');
    expect(() => loadFrameworkFile(missing, known)).toThrow(`${missing}:6: missing "id"`);
    const csv = write('bad.csv', 'id,title,checks\nA,T,security-group-no-admin-ports-open-ipv4\nB,"unterminated,x\n');
    expect(() => loadFrameworkFile(csv, known)).toThrow(new RegExp(`^${csv}:\\d+: invalid CSV`));
    const nocol = write('nocol.csv', 'id,title\nA,T\n');
    expect(() => loadFrameworkFile(nocol, known)).toThrow(`${nocol}:1: missing column "checks" in the header`);
  });

  it('waiver files: missing reason and bad dates name the line', () => {
    const w1 = write('w1.yaml', 'waivers:\n  - control: cis-aws-v6.0:6.3\n    reason: ok\n  - control: cis-aws-v6.0:2.4\n');
    expect(() => loadWaivers(w1)).toThrow(`${w1}:4: missing "reason"`);
    const w2 = write('w2.yaml', '- control: soc2:cc_8_1\n  reason: r\n  expires: next year\n');
    expect(() => loadWaivers(w2)).toThrow(`${w2}:1: "expires" must be a date YYYY-MM-DD, got "next year"`);
  });

  it('authorized principals from flags and from a file with comments', () => {
    const f = write('principals.txt', '# pipelines\narn:aws:iam::111111111111:role/deployer\nrepo:acme/infra:*  # CI\n');
    expect(loadAuthorizedPrincipals([f, 'jane@example.com'])).toEqual(['arn:aws:iam::111111111111:role/deployer', 'jane@example.com', 'repo:acme/infra:*']);
  });
});

describe('a check over the evidence view', () => {
  it('sees the end-of-period state only (deleted resources gone)', () => {
    const ev = evidenceOf({
      items: [
        item('AWS::EC2::SecurityGroup', 'sg-1', { groupId: 'sg-1' }),
        item('AWS::EC2::SecurityGroup', 'sg-2', { groupId: 'sg-2' }),
        item('AWS::EC2::SecurityGroup', 'sg-2', null, { captureTime: '2026-08-01T00:00:00.000Z', status: 'ResourceDeleted' }),
      ],
    });
    expect(ev.endState('AWS::EC2::SecurityGroup').map((i) => i.resourceId)).toEqual(['sg-1']);
    expect(ev.timeline({ accountId: '111111111111', region: 'us-east-1', resourceType: 'AWS::EC2::SecurityGroup', resourceId: 'sg-2' })).toHaveLength(2);
  });
});

describe('the activity is read once, as the checks\' declared queries', () => {
  const deployer = { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/ci`, accountId: ACCOUNT, accessKeyId: 'ASIA1' };
  const other = '222222222222';
  const at = (h: number) => `2026-08-0${1 + Math.floor(h / 24)}T${String(h % 24).padStart(2, '0')}:00:00Z`;
  const kms = { eventSource: 'kms.amazonaws.com', requestParameters: { keyId: 'k-1' }, readOnly: false };
  const iam = { eventSource: 'iam.amazonaws.com', readOnly: false };
  // Calls every kind of activity check reads: grouped ones (root use, a role's repeated changes,
  // denied calls) and handed-over ones (password policy per account, recorder stops, key rotation).
  const events = [
    ...Array.from({ length: 5 }, (_, h) => event('DescribeInstances', { userIdentity: ROOT, readOnly: true, time: at(h) })),
    ...Array.from({ length: 4 }, (_, h) => event('AuthorizeSecurityGroupIngress', { userIdentity: deployer, readOnly: false, time: at(h + 1) })),
    event('AuthorizeSecurityGroupIngress', { readOnly: false, time: at(7) }),
    event('DeleteBucket', { eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied', time: at(8) }),
    event('ConsoleLogin', { eventSource: 'signin.amazonaws.com', userIdentity: ALICE, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' }, time: at(9) }),
    event('StopLogging', { eventSource: 'cloudtrail.amazonaws.com', time: at(10) }),
    event('StopConfigurationRecorder', { eventSource: 'config.amazonaws.com', time: at(11) }),
    event('StopConfigurationRecorder', { eventSource: 'config.amazonaws.com', region: 'eu-west-1', time: at(12) }),
    event('StartConfigurationRecorder', { eventSource: 'config.amazonaws.com', region: 'eu-west-1', time: at(13) }),
    event('EnableKeyRotation', { ...kms, time: at(14) }),
    event('DisableKeyRotation', { ...kms, time: at(15) }),
    event('UpdateAccountPasswordPolicy', { ...iam, requestParameters: { minimumPasswordLength: 14, passwordReusePrevention: 24 }, time: at(16) }),
    event('UpdateAccountPasswordPolicy', { ...iam, accountId: other, requestParameters: { minimumPasswordLength: 8 }, time: at(17) }),
    event('UpdateAccountPasswordPolicy', { ...iam, requestParameters: { minimumPasswordLength: 6 }, time: at(18) }),
    event('AttachRolePolicy', { ...iam, userIdentity: deployer, time: at(19) }),
  ];
  const fixture = {
    items: [item('AWS::EC2::VPC', 'vpc-1', {}), item('AWS::KMS::Key', 'k-1', { keyManager: 'CUSTOMER', keySpec: 'SYMMETRIC_DEFAULT', keyState: 'Enabled' })],
    events,
    authorizedPrincipals: [`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/*`],
  };
  const frameworks = builtinFrameworkIds().map(loadBuiltinFramework);

  it('every built-in framework concludes the same from the activity the correlate stage\'s pass hands over as from a pass of its own, the kept events read once', () => {
    const evidence = storeEvidence(fixture.items, fixture.events);
    const opts = { authorizedPrincipals: fixture.authorizedPrincipals };
    // A pass of its own: the correlation's, then the controls'.
    const own = evaluateControls(frameworks, buildControlEvidence(evidence, correlate(evidence, { windowMs: 3_600_000 }), { ...opts, activity: activityOf(evidence) }));
    // One pass: the kept events can be iterated once.
    const once = { ...evidence, events: Object.assign(onePass([...evidence.events]), { count: evidence.events.count, spilled: false, places: evidence.events.places }) };
    const context = controlContext(once, opts);
    const gathering = activityGathering(frameworks, context);
    const correlation = correlate(once, { windowMs: 3_600_000 }, (a) => gathering.take(a));
    const shared = evaluateControls(frameworks, withCorrelation(context, correlation, activityOf(once)), [], gathering.result());
    expect(once.events.passes).toBe(1);
    expect(shared).toEqual(own);
    expect(shared.filter((r) => r.status === 'ERROR')).toEqual([]);
    // The pass did decide things: the root user's five calls are one grouped finding.
    expect(shared.flatMap((r) => r.findings).find((f) => f.check === 'activity-root-account-used')).toMatchObject({ count: 5, resourceId: fixture.events[0]!.eventId });
  });

  it('every built-in framework reads a once-only activity in one pass and concludes as from a plain array', () => {
    const plain = evidenceOf(fixture);
    const expected = evaluateFrameworks(frameworks, checkRegistry(), plain);
    const once = onePass([...plain.activity]);
    const actual = evaluateFrameworks(frameworks, checkRegistry(), { ...plain, activity: once });
    expect(once.passes).toBe(1);
    expect(actual).toEqual(expected);
    expect(actual.filter((r) => r.status === 'ERROR')).toEqual([]);
    // The activity did decide things: grouped calls, per-account policies, the unrestarted recorder, the rotation.
    const byCheck = new Map(actual.flatMap((r) => [...r.findings, ...(r.supportingFindings ?? [])]).map((f) => [`${f.check}|${f.resourceId}`, f]));
    expect(byCheck.get(`activity-root-account-used|${events[0]!.eventId}`)).toMatchObject({ count: 5, lastTime: '2026-08-01T04:00:00Z', sampleEventIds: events.slice(0, 3).map((e) => e.eventId) });
    expect(byCheck.get(`activity-security-group-changes|${events[9]!.eventId}`)).toMatchObject({ status: 'FAIL', detail: expect.stringContaining('by a principal not authorised') });
    expect(byCheck.get(`password-policy-min-length-14|${ACCOUNT}`)!.detail).toContain('minimum password length set to 6');
    expect(byCheck.get(`password-policy-min-length-14|${other}`)!.detail).toContain('minimum password length set to 8');
    const stopped = actual.flatMap((r) => r.findings).filter((f) => f.check === 'config-recorder-all-regions' && f.detail.includes('stopped and not restarted'));
    expect(new Set(stopped.map((f) => f.resourceId))).toEqual(new Set([`${ACCOUNT}/us-east-1`]));
    expect(byCheck.get('kms-key-rotation-enabled|k-1')!.detail).toContain('rotation disabled for key k-1');
  });

  it('does not read the activity when no check used declares a query', () => {
    const once = onePass([...evidenceOf(fixture).activity]);
    const fw: Framework = { id: 'cfg', title: 'C', requirements: [{ id: '1', title: 'sg', checks: ['security-group-no-admin-ports-open-ipv4'] }] };
    evaluateFrameworks([fw], checkRegistry(), { ...evidenceOf(fixture), activity: once });
    expect(once.passes).toBe(0);
  });

  it('a query that throws (building it, match or judge) is an ERROR for its check alone; the pass goes on for the others', () => {
    const throwing = (id: string, where: 'build' | 'match' | 'judge'): Check => ({
      meta: { id, title: id, severity: 'low', resourceTypes: [], needs: ['cloudtrail'], description: id },
      activity: () => {
        if (where === 'build') throw new Error(`${id} cannot build`);
        return {
          match: (a) => {
            if (where === 'match' && a.event.eventName === 'StopLogging') throw new Error(`${id} cannot match ${a.event.eventName}`);
            return true;
          },
          ...(where === 'judge' ? { judge: () => { throw new Error(`${id} cannot judge`); } } : {}),
        };
      },
      evaluate: (_ev, hits) => ({ status: 'PASS', findings: [], reason: `${hits.count} calls` }),
    });
    const counting: Check = { ...throwing('counts', 'match'), activity: () => ({ match: () => true, judge: () => ({ status: 'PASS', what: 'call' }) }) };
    const checks = new Map([throwing('b', 'build'), throwing('m', 'match'), throwing('j', 'judge'), counting].map((c) => [c.meta.id, c]));
    const fw: Framework = { id: 'q', title: 'Q', requirements: ['b', 'm', 'j', 'counts'].map((id) => ({ id, title: id, checks: [id] })) };
    const once = onePass([...evidenceOf(fixture).activity]);
    const r = evaluateFrameworks([fw], checks, { ...evidenceOf(fixture), activity: once });
    expect(r.map((c) => [c.id, c.status, c.reason])).toEqual([
      ['b', 'ERROR', 'check failed: b cannot build'],
      ['m', 'ERROR', 'check failed: m cannot match StopLogging'],
      ['j', 'ERROR', 'check failed: j cannot judge'],
      ['counts', 'PASS', `${events.length} calls`],
    ]);
    expect(once.passes).toBe(1);
  });

  it('an activity that fails to be read ends the evaluation with its error: no check is judged on part of it', () => {
    const [first] = [...evidenceOf(fixture).activity];
    const broken: Iterable<ActivityEvent> = {
      *[Symbol.iterator]() {
        yield first!;
        throw new Error('hour file 2026-08-01T10 is truncated');
      },
    };
    expect(() => evaluateFrameworks([loadBuiltinFramework('cis-aws-v6.0')], checkRegistry(), { ...evidenceOf(fixture), activity: broken })).toThrow('hour file 2026-08-01T10 is truncated');
  });
});
