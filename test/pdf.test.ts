import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPdf } from '../src/render/pdf.js';
import { sampleReport } from './fixtures/report-fixture.js';
import { chromiumAvailable, hasCommand, tempDir } from './helpers/cli.js';

const ready = chromiumAvailable() && hasCommand('pdftotext') && hasCommand('pdfinfo');
if (!ready) console.warn('skipping PDF tests: needs Chromium (apt-get install chromium) and poppler-utils');

describe.skipIf(!ready)('PDF report (headless Chromium, checked with poppler)', () => {
  it('is an A4 document with numbered contents, running headers and footers, and loads nothing', async () => {
    const out = join(tempDir('pdf'), 'report.pdf');
    const result = await renderPdf(sampleReport(), out);
    expect(result.blockedRequests).toEqual([]);

    const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBe(result.pages);
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);

    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const byPage = text.split('\f');
    expect(byPage[0]).toContain('AWS configuration change audit');
    expect(byPage[0]).toContain('2026-Q3');
    expect(byPage[0]).not.toMatch(/Page \d+ of/); // the cover has no running footer
    expect(text).toContain(`Page 2 of ${pages}`);

    // The contents give the page on which each section really starts.
    const contents = byPage.findIndex((p) => p.includes('Contents'));
    const listed = Number(/Executive summary\s+(\d+)/.exec(byPage[contents]!)?.[1]);
    const actual = byPage.findIndex((p, i) => i > contents && p.includes('1. Executive summary')) + 1;
    expect(listed).toBe(actual);
    const appendix = Number(/Appendix A — Rejected and skipped inputs\s+(\d+)/.exec(byPage[contents]!)?.[1]);
    expect(byPage[appendix - 1]).toContain('Appendix A');

    expect(text).toContain('jane.doe@example.com');
    expect(text).toContain('corrupt gzip: unexpected end of file');
    expect(text).toContain('<script>alert(1)</script>'); // shown as text, never run
  });

  it('prints a large report in parts with bounded rows each, numbered as one document, with bookmarks', async () => {
    const base = sampleReport();
    const failedCalls = Array.from({ length: 400 }, (_, i) => ({ ...base.failedCalls[0]!, eventId: `f-${i}`, eventName: `Call${String(i).padStart(4, '0')}`, errorMessage: 'denied' }));
    const report = { ...base, failedCalls };
    const out = join(tempDir('pdf-parts'), 'report.pdf');
    const result = await renderPdf(report, out, { wholeRows: 0, partRows: 60 });
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const byPage = text.split('\f').slice(0, result.pages);
    expect(result.pages).toBeGreaterThan(8);
    // Every page but the cover says its own number and the one total.
    expect(byPage[0]).not.toMatch(/Page \d+ of/);
    byPage.slice(1).forEach((p, i) => expect(p).toContain(`Page ${i + 2} of ${result.pages}`));
    // Every failed call once, in order, across the parts; a continued table repeats its header.
    expect(text.match(/Call\d{4}/g)).toEqual(failedCalls.map((f) => f.eventName));
    const withRows = byPage.filter((p) => /Call\d{4}/.test(p));
    for (const p of withRows) expect(p).toMatch(/Time \(UTC\)\s+Call\s+Error\s+Actor/);
    // The contents still point at the real pages, and the bookmarks open them.
    const contents = byPage.findIndex((p) => p.includes('Contents'));
    const appendix = Number(/Appendix B — [^\n]*?\s+(\d+)\s*$/m.exec(byPage[contents]!)?.[1]);
    expect(byPage[appendix - 1]).toContain('Appendix B');
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: new Uint8Array(readFileSync(out)), verbosity: 0 }).promise;
    const outline = (await doc.getOutline()) ?? [];
    expect(outline.map((o) => o.title)).toContain('1. Executive summary');
    await doc.destroy();
    // Printed again, the same bytes: the parts are joined with the report's generation time, not the clock.
    const again = join(tempDir('pdf-parts-2'), 'report.pdf');
    await renderPdf(report, again, { wholeRows: 0, partRows: 60 });
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
    expect(execFileSync('pdfinfo', ['-isodates', out], { encoding: 'utf8' })).toMatch(new RegExp(`CreationDate:\\s+${report.generated.at}`));
  });
});
