import { writeFileSync } from 'node:fs';
import { keptEvents } from '../src/store/events.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputRecord } from '../src/model/types.js';
import { coverageOf, loadExpectedScope } from '../src/store/coverage.js';
import { emptyIntegrity } from '../src/store/integrity.js';
import { tempDir } from './helpers/cli.js';
import { ACCOUNT, PERIOD, event, item } from './helpers/evidence.js';

const OTHER = '222222222222';
const logFile = (account: string, region: string, day: string): InputRecord => ({
  path: `export/AWSLogs/${account}/CloudTrail/${region}/${day.replaceAll('-', '/')}/${account}_CloudTrail_${region}_${day.replaceAll('-', '')}T0105Z_abc.json.gz`,
  sha256: '0'.repeat(64),
  size: 1,
  kind: 'cloudtrail-log',
  records: 1,
  rejected: 0,
});
/** Every day of the period, as YYYY-MM-DD. */
const days = Array.from({ length: 92 }, (_, i) => new Date(PERIOD.startMs + i * 86_400_000).toISOString().slice(0, 10));

describe('coverage', () => {
  it('a run of days without a log file inside the period is a gap, with its first and last day', () => {
    const inputs = days.filter((d) => d < '2026-08-01' || d > '2026-08-10').map((d) => logFile(ACCOUNT, 'us-east-1', d));
    const c = coverageOf({ period: PERIOD, inputs, items: [item('AWS::S3::Bucket', 'b', {})], events: keptEvents([]) }, {});
    expect(c.gaps).toEqual([{ source: 'cloudtrail', accountId: ACCOUNT, region: 'us-east-1', from: '2026-08-01', to: '2026-08-10', reason: 'no CloudTrail log file delivered on 10 days' }]);
    expect(c.cells).toEqual([{ accountId: ACCOUNT, region: 'us-east-1', cloudtrailDays: 82, configItems: 1 }]);
    expect(c.declared).toEqual({ accounts: false, regions: false });
  });

  it('the period’s last days without log files are a gap too; files outside the period are not coverage', () => {
    const inputs = [...days.filter((d) => d <= '2026-09-27'), '2026-10-01'].map((d) => logFile(ACCOUNT, 'us-east-1', d));
    const c = coverageOf({ period: PERIOD, inputs, items: [], events: keptEvents([]) }, {});
    expect(c.gaps.map((g) => [g.from, g.to])).toEqual([['2026-09-28', '2026-09-30']]);
  });

  it('an expected account or region without data is a gap for each source the export has; without a declaration the scope is what the data shows', () => {
    const inputs = days.map((d) => logFile(ACCOUNT, 'us-east-1', d));
    const items = [item('AWS::S3::Bucket', 'b', {})];
    expect(coverageOf({ period: PERIOD, inputs, items, events: keptEvents([]) }, {}).gaps).toEqual([]);
    const c = coverageOf({ period: PERIOD, inputs, items, events: keptEvents([]) }, { accounts: [ACCOUNT, OTHER], regions: ['eu-west-1', 'us-east-1'] });
    expect(c.expected).toEqual({ accounts: [ACCOUNT, OTHER], regions: ['eu-west-1', 'us-east-1'] });
    expect(c.gaps.map((g) => `${g.source} ${g.accountId} ${g.region} ${g.from}..${g.to}`)).toEqual([
      `cloudtrail ${ACCOUNT} eu-west-1 2026-07-01..2026-09-30`,
      `config ${ACCOUNT} eu-west-1 2026-07-01..2026-09-30`,
      `cloudtrail ${OTHER} eu-west-1 2026-07-01..2026-09-30`,
      `config ${OTHER} eu-west-1 2026-07-01..2026-09-30`,
      `cloudtrail ${OTHER} us-east-1 2026-07-01..2026-09-30`,
      `config ${OTHER} us-east-1 2026-07-01..2026-09-30`,
    ]);
  });

  it('CloudTrail events from files that are not in the delivered layout count for presence, not for days', () => {
    const c = coverageOf({ period: PERIOD, inputs: [], items: [], events: keptEvents([event('RunInstances', { accountId: OTHER, region: 'eu-west-1' })]) }, {});
    expect(c.gaps).toEqual([]);
    expect(c.cells).toEqual([{ accountId: OTHER, region: 'eu-west-1', cloudtrailDays: 0, configItems: 0 }]);
  });
});

describe('--accounts and --regions', () => {
  const dir = tempDir('scope');

  it('take ids and names, comma-separated or repeated, sorted and without duplicates', () => {
    expect(loadExpectedScope({ accounts: ['222222222222,111111111111', '111111111111'], regions: ['us-east-1'] })).toEqual({ accounts: ['111111111111', '222222222222'], regions: ['us-east-1'] });
    expect(loadExpectedScope({})).toEqual({});
  });

  it('read the AWS CLI’s list-accounts and describe-regions output, leaving out closed accounts and regions not opted in', () => {
    const accounts = join(dir, 'accounts.json');
    writeFileSync(accounts, JSON.stringify({ Accounts: [{ Id: '111111111111', Status: 'ACTIVE', Name: 'prod' }, { Id: '333333333333', Status: 'SUSPENDED' }, { Id: '222222222222', Status: 'ACTIVE' }] }));
    const regions = join(dir, 'regions.json');
    writeFileSync(regions, JSON.stringify({ Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }, { RegionName: 'af-south-1', OptInStatus: 'not-opted-in' }, { RegionName: 'eu-west-1' }] }));
    const list = join(dir, 'accounts.txt');
    writeFileSync(list, '# the audited accounts\n444444444444\n\n555555555555  # sandbox\n');
    expect(loadExpectedScope({ accounts: [accounts, list], regions: [regions] })).toEqual({ accounts: ['111111111111', '222222222222', '444444444444', '555555555555'], regions: ['eu-west-1', 'us-east-1'] });
  });

  it('refuse what is neither an id nor a readable list, in one line', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ Accounts: [{ Id: '12' }] }));
    expect(() => loadExpectedScope({ accounts: ['12345'] })).toThrow(/^--accounts 12345: neither a 12-digit account id nor a readable file$/);
    expect(() => loadExpectedScope({ accounts: [bad] })).toThrow(/entry 1 "12" is not a 12-digit account id/);
    expect(() => loadExpectedScope({ regions: [dir] })).toThrow(/not a regular file/);
    expect(() => loadExpectedScope({ accounts: [''] })).toThrow(/--accounts names no account/);
  });
});

describe('integrity findings are coverage gaps', () => {
  it('a broken digest chain, log files a digest lists but the input lacks, and altered log files', () => {
    const integrity = {
      ...emptyIntegrity(),
      chainBreaks: [{ accountId: ACCOUNT, region: 'us-east-1', after: `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/08/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20260801T032500Z.json.gz`, before: `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2026/08/02/${ACCOUNT}_CloudTrail-Digest_us-east-1_t_us-east-1_20260802T012500Z.json.gz`, reason: 'digest missing' }],
      chainBreaksTotal: 1,
      missingFiles: [1, 2].map((i) => ({ path: logFile(ACCOUNT, 'us-east-1', '2026-08-05').path.replace('abc', `m${i}`).replace(/^export\//, ''), digest: 'd' })),
      missing: 2,
      mismatched: [{ path: logFile(ACCOUNT, 'eu-west-1', '2026-08-07').path, expected: 'a', actual: 'b' }],
      mismatchedTotal: 1,
    };
    const c = coverageOf({ period: PERIOD, inputs: [], items: [], events: keptEvents([]), integrity }, {});
    expect(c.gaps).toEqual([
      { source: 'digest', accountId: ACCOUNT, region: 'us-east-1', from: '2026-08-01', to: '2026-08-02', reason: 'digest chain broken: digest missing' },
      { source: 'cloudtrail', accountId: ACCOUNT, region: 'us-east-1', from: '2026-08-05', to: '2026-08-05', reason: '2 log files listed in a digest but not among the inputs' },
      { source: 'digest', accountId: ACCOUNT, region: 'eu-west-1', from: '2026-08-07', to: '2026-08-07', reason: '1 log file altered after delivery (SHA-256 differs from the digest)' },
    ]);
  });
});
