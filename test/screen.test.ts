/// <reference lib="dom" />
// The functions given to page.$eval and page.waitForFunction run in Chromium, on its DOM.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, Report } from '../src/model/types.js';
import { renderHtml } from '../src/render/html.js';
import { launchChromium, renderPdf } from '../src/render/pdf.js';
import { jsonForScript } from '../src/render/screen.js';
import { HOSTILE, sampleReport } from './fixtures/report-fixture.js';
import { chromiumAvailable, hasCommand, runCli, tempDir } from './helpers/cli.js';

/** Script strings that would set a global or open a dialog if anything in the data ever ran. */
const INJECT = {
  close: '</script><script>window.__pwned = 1</script>',
  onerror: '<img src=x onerror="window.__pwned = 2">',
  svg: '<svg onload="window.__pwned = 3">',
  comment: '<!--<script>window.__pwned = 4</script>',
};

describe('the JSON the screen reads (no browser)', () => {
  it('cannot end its element or open a comment, whatever the strings', () => {
    const text = jsonForScript({ a: INJECT.close, b: INJECT.comment, c: '\u2028&' });
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual({ a: INJECT.close, b: INJECT.comment, c: '\u2028&' });
  });

  it('embeds the rows the document cuts once, and nothing when nothing is cut', () => {
    const report = sampleReport();
    expect(renderHtml(report)).not.toContain('id="screen-data"');
    const html = renderHtml(report, { maxChangesInDocument: 1 });
    const json = /<script type="application\/json" id="screen-data">(.*?)<\/script>/.exec(html)?.[1];
    const data = JSON.parse(json!) as { changes: { id: string }[]; failedCalls: unknown[] };
    expect(data.changes.map((c) => c.id)).toEqual(report.changes.slice(1).map((c) => c.id));
    for (const c of data.changes) expect(html).not.toContain(`id="change-${c.id}"`); // not a second copy
  });
});

const ready = chromiumAvailable();
if (!ready) console.warn('skipping screen tests: needs Chromium (apt-get install chromium)');

describe.skipIf(!ready)('report.html on screen (headless Chromium, JavaScript on, opened from disk)', () => {
  let browser: Browser;
  let close: () => Promise<void>;
  let demo: string;

  beforeAll(async () => {
    const out = tempDir('screen-demo');
    const r = runCli(['report', 'samples/demo/export', 'samples/demo/credential-reports', '--quarter', '2026-Q3', '--framework', 'cis-aws-v6.0', '--framework', 'soc2', '--authorized-principals', 'samples/demo/authorized-principals.txt', '--format', 'html', '--out', out, '--no-workspace', '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    demo = join(out, 'report.html');
    ({ browser, close } = await launchChromium());
  });
  afterAll(async () => {
    await close?.();
  });

  interface Opened {
    page: Page;
    requests: string[];
    dialogs: string[];
    errors: string[];
  }

  /** Opens a file as a user would, recording every request, dialog and script error. */
  async function open(file: string): Promise<Opened> {
    const page = await browser.newPage();
    const opened: Opened = { page, requests: [], dialogs: [], errors: [] };
    page.on('request', (req) => opened.requests.push(req.url()));
    page.on('dialog', (d) => {
      opened.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => opened.errors.push(String(e)));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('#ct-search');
    return opened;
  }

  /** Types into the search box and waits until the status says the rows were filtered. */
  async function search(page: Page, text: string): Promise<void> {
    await page.click('#ct-search', { clickCount: 3 });
    await page.keyboard.press('Backspace');
    await page.type('#ct-search', text);
    await page.waitForFunction(() => document.querySelector('#ct-status')!.textContent!.startsWith('Matching'), { timeout: 20_000 });
  }

  /** Every row the search and filters act on, with whether it is shown and what it says. */
  function rows(page: Page) {
    return page.$$eval('[data-kind]', (els) =>
      els.map((e) => ({
        kind: (e as HTMLElement).dataset.kind!,
        id: e.id,
        visible: e.getClientRects().length > 0,
        text: `${e.textContent} ${Object.values((e as HTMLElement).dataset).join(' ')}`.toLowerCase(),
        data: { ...(e as HTMLElement).dataset },
      })),
    );
  }

  it('narrows findings, changes and failed calls to the rows mentioning the searched text, and only those', async () => {
    const { page, errors } = await open(demo);
    const before = await rows(page);
    expect(before.filter((r) => r.visible && r.kind !== 'change-row').length).toBe(before.length);
    await search(page, 'AttachUserPolicy');
    const after = await rows(page);
    const shown = after.filter((r) => r.visible);
    for (const kind of ['finding', 'change', 'failed']) expect(shown.filter((r) => r.kind === kind).length).toBeGreaterThan(0);
    for (const r of shown) expect(r.text).toContain('attachuserpolicy');
    for (const r of after.filter((x) => !x.visible)) expect(r.text).not.toContain('attachuserpolicy');
    expect(shown.length).toBeLessThan(after.length);
    const status = await page.$eval('#ct-status', (e) => e.textContent);
    expect(status).toContain(`${shown.filter((r) => r.kind === 'change').length} changes`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('combines filters: every row shown has both values, and every row with both is shown (the cut ones rendered)', async () => {
    const { page, errors } = await open(demo);
    const accounts = await page.$$eval('#ct-f-account option', (o) => o.map((x) => (x as HTMLOptionElement).value).filter(Boolean));
    expect(accounts.length).toBeGreaterThan(1);
    await page.select('#ct-f-severity', 'high');
    await page.select('#ct-f-account', accounts[0]!);
    const after = await rows(page);
    const shown = after.filter((r) => r.visible);
    expect(shown.length).toBeGreaterThan(0);
    for (const r of shown) expect([r.data.severity, r.data.account]).toEqual(['high', accounts[0]]);
    for (const r of after.filter((x) => x.data.severity === 'high' && x.data.account === accounts[0])) expect(r.visible).toBe(true);
    // The demo cuts one requirement's findings after 50: those matching are rendered from the JSON.
    const cut = await page.$eval('#screen-data', (e) => (JSON.parse(e.textContent!) as { findings: { anchor: string; severity: string; accountId: string }[] }).findings);
    const expected = cut.filter((f) => f.severity === 'high' && f.accountId === accounts[0]).map((f) => f.anchor);
    expect(expected.length).toBeGreaterThan(0);
    expect(shown.filter((r) => expected.includes(r.id)).map((r) => r.id)).toEqual(expected);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('goes from a FAIL finding to its change, opened, and from there to every row of its event, in two clicks', async () => {
    const { page, errors } = await open(demo);
    const link = await page.$('tr[data-kind="finding"][data-status="FAIL"] a[href^="#change-"]');
    expect(link).not.toBeNull();
    const finding = await link!.evaluate((a) => a.closest('tr')!.id);
    const href = await link!.evaluate((a) => a.getAttribute('href')!);
    await link!.click();
    await page.waitForFunction((id) => !document.getElementById(id)!.classList.contains('collapsed'), {}, href.slice(1));
    const change = await page.$eval(href, (e) => {
      const r = e.getBoundingClientRect();
      return { inView: r.top > -2 && r.top < window.innerHeight, diffShown: e.querySelector('table.diff')!.getClientRects().length > 0, back: Array.from(e.querySelectorAll('.backlinks a'), (a) => a.getAttribute('href')), event: (e as HTMLElement).dataset.event! };
    });
    expect(change.inView).toBe(true);
    expect(change.diffShown).toBe(true);
    expect(change.back).toContain(`#${finding}`); // and back from the change to the finding
    expect(change.event).not.toBe('');
    await page.click(`${href} a.event-link`);
    await page.waitForFunction((ev) => (document.querySelector('#ct-search') as HTMLInputElement).value === ev && document.querySelector('#ct-status')!.textContent!.startsWith('Matching'), {}, change.event);
    const shown = (await rows(page)).filter((r) => r.visible);
    expect(shown.map((r) => r.id)).toEqual(expect.arrayContaining([href.slice(1), finding]));
    for (const r of shown) expect(r.text).toContain(change.event.toLowerCase());
    expect(errors).toEqual([]);
    await page.close();
  });

  it('sorts a table by the header clicked, from the keyboard too', async () => {
    const { page } = await open(demo);
    const table = '#failed-calls table.data';
    await page.focus(`${table} th:nth-child(2) button.sort`);
    await page.keyboard.press('Enter');
    const calls = await page.$$eval(`${table} tbody tr`, (trs) => trs.map((t) => t.children[1]!.textContent!.trim()));
    expect(calls).toEqual([...calls].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    expect(await page.$eval(`${table} th:nth-child(2)`, (th) => th.getAttribute('aria-sort'))).toBe('ascending');
    await page.close();
  });

  it('makes no request but the file itself, while searching, filtering and following links', async () => {
    const { page, requests } = await open(demo);
    await search(page, 'root');
    await page.select('#ct-f-framework', 'soc2');
    await page.click('#ct-clear');
    await page.click('#ct-expand');
    await page.goto(`${pathToFileURL(demo).href}#finding-2-20-51`);
    expect(new Set(requests)).toEqual(new Set([pathToFileURL(demo).href]));
    await page.close();
  });

  it('opens an anchor of a finding the document cut, rendering it from the embedded data', async () => {
    const page = await browser.newPage();
    await page.goto(`${pathToFileURL(demo).href}#finding-2-20-51`, { waitUntil: 'load' });
    await page.waitForSelector('#finding-2-20-51');
    const row = await page.$eval('#finding-2-20-51', (e) => ({ visible: e.getClientRects().length > 0, table: e.closest('article')!.id, focused: document.activeElement === e }));
    expect(row).toEqual({ visible: true, table: 'ctl-2-20', focused: true });
    await page.close();
  });

  it('runs nothing from the data: hostile strings in shown and cut rows stay text', async () => {
    const base = sampleReport();
    const hostile = (c: Change, i: number): Change => ({ ...c, resourceName: Object.values(INJECT)[i % 4], attribution: { ...c.attribution, eventName: `${INJECT.close}${HOSTILE.img}`, reason: INJECT.comment } });
    const report: Report = { ...base, changes: base.changes.map(hostile), failedCalls: base.failedCalls.map((f) => ({ ...f, errorMessage: INJECT.close, eventName: INJECT.onerror })) };
    const file = join(tempDir('screen-hostile'), 'report.html');
    writeFileSync(file, renderHtml(report, { maxChangesInDocument: 1 }));
    const { page, requests, dialogs, errors } = await open(file);
    await search(page, 'window.__pwned'); // renders every cut change and failed call
    await page.click('#ct-expand');
    const shown = (await rows(page)).filter((r) => r.visible);
    expect(shown.filter((r) => r.kind === 'change').length).toBe(report.changes.length);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('img, svg[onload], [onerror]', (e) => e.length)).toBe(0);
    const text = await page.$eval('#change-log', (e) => e.textContent);
    expect(text).toContain(INJECT.close);
    expect(text).toContain(INJECT.svg);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });

  it('stays responsive with 50,000 changes: a search over the rows left out completes within 20 s', async () => {
    const one = sampleReport().changes[0]!;
    const changes = Array.from({ length: 50_000 }, (_, i) => ({ ...one, id: `c${String(i).padStart(15, '0')}`, resourceId: `sg-${String(i).padStart(6, '0')}`, resourceName: `group-${i}` }));
    const file = join(tempDir('screen-big'), 'report.html');
    writeFileSync(file, renderHtml(sampleReport({ changes })));
    const bytes = statSync(file).size;
    const { page, errors } = await open(file);
    const started = Date.now();
    await search(page, 'sg-049999');
    const took = Date.now() - started;
    console.log(`50,000 changes: report.html ${(bytes / 1e6).toFixed(1)} MB; search over them ${took} ms`);
    expect(took).toBeLessThan(20_000);
    const shown = (await rows(page)).filter((r) => r.visible && r.kind === 'change');
    expect(shown.map((r) => r.id)).toEqual(['change-c000000000049999']);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

const pdfReady = ready && hasCommand('pdftotext');

describe.skipIf(!pdfReady)('the PDF of the same HTML (JavaScript off)', () => {
  it('holds none of the screen controls and none of the embedded data', async () => {
    const out = join(tempDir('screen-pdf'), 'report.pdf');
    await renderPdf(sampleReport(), out, { maxChangesInDocument: 1 });
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    for (const control of ['Find and filter', 'Search findings', 'Expand changes', 'Cited by finding', 'all rows of event', 'Hide', 'left out of the printed document']) expect(text).not.toContain(control);
    const script = readFileSync(join(process.cwd(), 'templates', 'screen.js'), 'utf8');
    expect(text).not.toContain(script.split('\n')[1]!.trim());
    // The cut changes are in the JSON for the screen only: the printed change log lists one.
    expect(text.match(/c0{13}\d{2}/g)).toEqual([sampleReport().changes[0]!.id]);
  });
});
