import { execFileSync } from 'node:child_process';
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
});
