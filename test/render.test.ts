import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { changesCsv, deviationsCsv, findingsCsv, inputsCsvSha256, neutraliseCell, rejectedCsv, writeInputsCsv } from '../src/render/csv.js';
import { renderHtml } from '../src/render/html.js';
import { reportJson } from '../src/render/json.js';
import { buildView, weeklyChart } from '../src/render/view.js';
import { formatSummary } from '../src/cli/summary.js';
import { HOSTILE, sampleReport } from './fixtures/report-fixture.js';
import { tempDir } from './helpers/cli.js';

describe('HTML report', () => {
  const report = sampleReport();
  const html = renderHtml(report);

  it('escapes every hostile string from the data', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<img src="http://evil');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(html).not.toMatch(/<td>"<\/td><td>"/);
  });

  it('records the criteria, the coverage with its gaps, and links each finding to its change', () => {
    expect(html).toContain('Scope, criteria and method');
    expect(html).toContain('arn:<wbr>aws:<wbr>iam::<wbr>111111111111:<wbr>role/<wbr>deploy*');
    expect(html).toContain('SHA-256 <span class="mono hash">ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff</span>');
    expect(html).toContain('2026-08-01</td><td class="nowrap">2026-08-12</td><td class="wrap">no CloudTrail log file delivered on 12 days');
    expect(html).toMatch(/<td class="n gap">0 d \/ 0 <b>gap<\/b><\/td>/);
    const withChange = sampleReport({ controls: [{ ...report.controls[0]!, findings: [{ ...report.controls[0]!.findings[0]!, changeId: report.changes[0]!.id, eventId: 'e-1', severity: 'high' }] }] });
    const linked = renderHtml(withChange);
    expect(linked).toContain(`href="#change-${report.changes[0]!.id}"`);
    expect(linked).toContain(`id="change-${report.changes[0]!.id}"`);
    expect(linked).toContain('<span class="sev sev-high">high</span>');
  });

  it('is self-contained: one inline script and one stylesheet, allowed by their SHA-256 and nothing else, no external reference', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(html.match(/<script\b/g)).toHaveLength(1); // nothing cut here: no embedded data either
    const sha = (t: string) => `'sha256-${createHash('sha256').update(t, 'utf8').digest('base64')}'`;
    expect(html).toContain(`content="default-src 'none'; script-src ${sha(scripts[0]!)}; style-src ${sha(styles[0]!)}; img-src data:"`);
    expect(html).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).toContain("default-src 'none'");
    // Internal links only: every href is a #anchor that exists in the document.
    for (const [, id] of html.matchAll(/href="#([^"]+)"/g)) expect(html).toContain(`id="${id}"`);
  });

  it('has the cover, contents, summary with an SVG chart, controls, change log, failed calls and appendices', () => {
    for (const text of ['AWS configuration change audit', 'Contents', '1. Executive summary', '2. Scope, criteria and method', '3. Governance controls', 'Change log by resource', 'Failed and denied calls', 'AWS Config rule results', 'Appendix A', 'Appendix B']) {
      expect(html).toContain(text);
    }
    expect(html).toContain('<svg class="chart"');
    // Ids and addresses may break after a separator (<wbr>), never inside a token.
    expect(html.replaceAll('<wbr>', '')).toContain('jane.doe@example.com');
    expect(html).toContain('Waiver expired 2026-08-01: no longer applies.');
    expect(html).toContain(inputsCsvSha256(report));
    expect(html).toContain('5 files read &#x3D; 2 used + 2 rejected + 1 skipped');
  });

  it('groups changes by resource type when no framework was evaluated', () => {
    const html2 = renderHtml(sampleReport({ controls: [], scope: { accounts: [], regions: [], frameworks: [] } }));
    expect(html2).toContain('Changes by resource type');
    expect(html2).toContain('3.1 AWS::EC2::SecurityGroup');
    expect(html2).not.toContain('Governance controls');
  });

  it('renders byte-identical output twice, and prints page numbers only when given', () => {
    expect(renderHtml(report)).toBe(html);
    const numbered = renderHtml(report, { pageNumbers: new Map([['summary', 3]]) });
    expect(numbered).toMatch(/Executive summary<\/span><span class="toc-dots"><\/span><span class="toc-page">3</);
  });

  it('summarises a change log beyond the document limit', () => {
    const v = buildView(report, { maxChangesInDocument: 2 });
    expect(v.truncated).toEqual({ shown: 2, total: 4 });
    expect(v.resources.flatMap((r) => r.changes)).toHaveLength(2);
  });

  it('computes chart geometry in the view: bars scale to the largest week', () => {
    const c = weeklyChart([{ key: '2026-06-29', count: 4 }, { key: '2026-07-06', count: 0 }, { key: '2026-07-13', count: 2 }]);
    expect(c.bars.map((b) => b.height)).toEqual([158, 0, 79]);
    expect(c.bars.map((b) => b.label)).toEqual(['06-29', '07-06', '07-13']);
  });
});

describe('CSV and JSON', () => {
  const report = sampleReport();

  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(neutraliseCell('=1+1')).toBe("'=1+1");
    expect(neutraliseCell('+cmd')).toBe("'+cmd");
    expect(neutraliseCell('-2+3')).toBe("'-2+3");
    expect(neutraliseCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseCell('\tx')).toBe("'\tx");
    expect(neutraliseCell('plain')).toBe('plain');
    expect(neutraliseCell(0.95)).toBe('0.95');
  });

  it('changes.csv parses back, one row per change, hostile cells neutralised', () => {
    const rows = parse(changesCsv(report), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(report.changes.length);
    expect(rows[2]!.resourceName).toBe(`'${HOSTILE.plus}`);
    expect(rows[3]!.resourceId).toBe(`'${HOSTILE.minus}`);
    expect(rows[1]!.chain).toBe('bob → ops-admin/bob → deployer/deploy');
    expect(rows[1]!.diff).toContain('HYPERLINK');
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('deviations.csv lists each closed deviation with the changes and events that opened and closed it', () => {
    const deviation = { check: 'security-group-no-admin-ports-open-ipv4', severity: 'high' as const, accountId: '111111111111', region: 'us-east-1', resourceType: 'AWS::EC2::SecurityGroup', resourceId: '=cmd|x', fact: 'TCP port 22 open to 0.0.0.0/0', opened: '2026-08-01T10:05:00.000Z', openedChangeId: 'c1', openedEventId: 'e1', openedActor: 'alice', closed: '2026-08-03T10:05:00.000Z', closedBy: 'fixed' as const, closedChangeId: 'c2', closedEventId: 'e2', closedActor: 'bob', durationMs: 172_800_000 };
    const rows = parse(deviationsCsv(sampleReport({ controls: [{ ...report.controls[0]!, deviations: [deviation] }] })), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ controlId: '6.3', resourceId: "'=cmd|x", openedChangeId: 'c1', closedEventId: 'e2', closedBy: 'fixed', durationSeconds: '172800' })]);
  });

  it('findings.csv and rejected.csv list every finding and every rejected or skipped input', () => {
    const f = parse(findingsCsv(report), { columns: true }) as Record<string, string>[];
    expect(f.map((r) => [r.controlId, r.resourceId])).toEqual([
      ['6.3', 'sg-01'],
      ['6.3', 'sg-02'],
      ['2.1', ''],
    ]);
    expect(f[1]!.waiver).toBe('expired: bastion, accepted');
    const r = parse(rejectedCsv(report), { columns: true }) as Record<string, string>[];
    expect(r).toHaveLength(report.rejected.length + report.skipped.length);
  });

  it('report.json round-trips', () => {
    expect(JSON.parse(reportJson(report))).toEqual(report);
  });
});

describe('streamed report.json', () => {
  it('writes exactly the bytes of JSON.stringify(report, null, 2), empty arrays and nested values included', async () => {
    const { writeReportJson } = await import('../src/render/json.js');
    const { tempDir } = await import('./helpers/cli.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    for (const report of [sampleReport(), sampleReport({ changes: [], inputs: [], controls: [] })]) {
      const p = join(tempDir('json'), 'report.json');
      writeReportJson(report, p);
      expect(readFileSync(p, 'utf8')).toBe(reportJson(report));
    }
  });
});

describe('large reports in the document', () => {
  it('cuts a value of a megabyte to a few thousand characters, saying its full length; report.json keeps it whole', () => {
    const base = sampleReport();
    const huge = `${'A'.repeat(1_000_000)}<script>alert(1)</script>`;
    const report = { ...base, failedCalls: [{ ...base.failedCalls[0]!, errorMessage: huge }], controls: [{ ...base.controls[0]!, findings: [{ ...base.controls[0]!.findings[0]!, detail: huge }] }] };
    const html = renderHtml(report);
    expect(html.length).toBeLessThan(renderHtml(base).length + 20_000);
    expect(html).toContain('… [cut: 1,000,025 characters in all; the whole value is in report.json]');
    expect(reportJson(report)).toContain(huge.slice(0, 1000));
    expect(JSON.parse(reportJson(report)).failedCalls[0].errorMessage).toBe(huge);
  });

  it('cites the input list by its count and the SHA-256 of inputs.csv, which lists every file', () => {
    const base = sampleReport();
    const inputs = Array.from({ length: 30 }, (_, i) => ({ path: `AWSLogs/f${i}.json.gz`, sha256: 'a'.repeat(64), size: 1, kind: 'cloudtrail-log' as const, records: 1, rejected: 0 }));
    const html = renderHtml({ ...base, inputs }, { maxChangesInDocument: 10 });
    const dir = tempDir('inputs-csv');
    writeInputsCsv({ ...base, inputs }, join(dir, 'inputs.csv'));
    const sha = createHash('sha256').update(readFileSync(join(dir, 'inputs.csv'))).digest('hex');
    expect(inputsCsvSha256({ ...base, inputs })).toBe(sha);
    expect(html).toContain(`<p class="mono hash-line">${sha}</p>`);
    expect(html).toContain('30 input files were read');
    expect(html).not.toContain('AWSLogs/f9.json.gz');
    const failedCalls = Array.from({ length: 12 }, () => base.failedCalls[0]!);
    expect(renderHtml({ ...base, failedCalls, failedCallsTotal: 12 }, { maxChangesInDocument: 10 })).toContain('The document lists the first 10 of 12 failed calls');
  });
});

describe('CLI summary', () => {
  it('names a quarter with its range, and a --from/--to period by its range once', () => {
    const quarter = sampleReport();
    expect(formatSummary(quarter, []).split('\n')[0]).toMatch(/ — 2026-Q3 \(2026-07-01 to 2026-09-30\)$/);
    const custom = { ...quarter, period: { ...quarter.period, from: '2026-07-01', to: '2026-08-15', label: '2026-07-01 – 2026-08-15' } };
    expect(formatSummary(custom, []).split('\n')[0]).toMatch(/ — 2026-07-01 to 2026-08-15$/);
  });
});
