import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer';
import type { Report } from '../model/types.js';
import { ConfigtrailError } from '../util/errors.js';
import { renderHtml } from './html.js';
import { buildView, type RenderOptions } from './view.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** The system Chromium: an explicit path, $PUPPETEER_EXECUTABLE_PATH, or the usual Debian paths. */
export function findChromium(explicit?: string): string {
  const env = process.env.PUPPETEER_EXECUTABLE_PATH;
  for (const p of [explicit, env]) {
    if (!p) continue;
    if (existsSync(p)) return p;
    throw new ConfigtrailError(`Chromium not found at ${p}: install the Debian package chromium or set PUPPETEER_EXECUTABLE_PATH`);
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new ConfigtrailError('Chromium not found: install the Debian package chromium or set PUPPETEER_EXECUTABLE_PATH');
  return found;
}

export interface PdfResult {
  pages: number;
  /** Requests the page tried to make and that were refused (the report must need none). */
  blockedRequests: string[];
}

/**
 * Renders the report's HTML to PDF in headless Chromium, offline: scripts off, every request that
 * is not the document itself refused. Two passes: the first finds on which page each section
 * starts, the second prints those numbers in the table of contents.
 */
export async function renderPdf(report: Report, outFile: string, opts: RenderOptions & { executablePath?: string } = {}): Promise<PdfResult> {
  const executablePath = findChromium(opts.executablePath);
  const profile = mkdtempSync(join(tmpdir(), 'configtrail-chromium-'));
  const blocked: string[] = [];
  let browser: Browser | undefined;
  try {
    // Loaded on demand: a run without a PDF does not pay for puppeteer.
    const { default: puppeteer } = await import('puppeteer');
    browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: profile,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-extensions', '--disable-default-apps'],
    });
    const print = async (html: string): Promise<Buffer> => {
      const page = await browser!.newPage();
      try {
        await page.setJavaScriptEnabled(false);
        await page.setRequestInterception(true);
        page.on('request', (req) => {
          const url = req.url();
          if (url === 'about:blank' || url.startsWith('data:')) void req.continue();
          else {
            blocked.push(url);
            void req.abort('blockedbyclient');
          }
        });
        await page.setContent(html, { waitUntil: 'load', timeout: 600_000 });
        const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, outline: true, tagged: true, timeout: 600_000 });
        return Buffer.from(pdf);
      } finally {
        await page.close();
      }
    };
    const first = await print(renderHtml(report, opts));
    const pageNumbers = await locateSections(first, buildView(report, opts).toc);
    const final = fixDates(await print(renderHtml(report, { ...opts, pageNumbers })), report.period.to);
    writeFileSync(outFile, final);
    return { pages: await countPages(final), blockedRequests: blocked };
  } catch (err) {
    if (err instanceof ConfigtrailError) throw err;
    throw new ConfigtrailError(`PDF rendering failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Chromium stamps the PDF with the time it was printed. Replace both dates with the last day of the
 * period, keeping their length (so the cross-reference offsets stay valid): the same inputs then give
 * the same bytes.
 */
export function fixDates(pdf: Buffer, day: string): Buffer {
  const stamp = `D:${day.replace(/-/g, '')}000000`;
  const text = pdf.toString('latin1');
  const fixed = text.replace(/\/(CreationDate|ModDate) \(D:\d{14}/g, (_m, key: string) => `/${key} (${stamp}`);
  return fixed === text ? pdf : Buffer.from(fixed, 'latin1');
}

async function pageTexts(pdf: Buffer): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const out: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      out.push(content.items.map((it) => ('str' in it ? it.str : '')).join('').replace(/\s+/g, ''));
      page.cleanup();
    }
    return out;
  } finally {
    await doc.destroy();
  }
}

async function countPages(pdf: Buffer): Promise<number> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: new Uint8Array(pdf), disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
  const n = doc.numPages;
  await doc.destroy();
  return n;
}

/** Page (1-based) where each section heading first appears after the contents page. */
export async function locateSections(pdf: Buffer, toc: { id: string; number: string; title: string }[]): Promise<Map<string, number>> {
  const pages = await pageTexts(pdf);
  const contents = Math.max(0, pages.findIndex((t) => t.includes('Contents')));
  const found = new Map<string, number>();
  let cursor = contents + 1;
  for (const entry of toc) {
    const needle = `${entry.number}${entry.title}`.replace(/\s+/g, '');
    for (let i = cursor; i < pages.length; i++) {
      if (pages[i]!.includes(needle)) {
        found.set(entry.id, i + 1);
        cursor = i;
        break;
      }
    }
  }
  return found;
}
