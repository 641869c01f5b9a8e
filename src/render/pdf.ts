import { existsSync } from 'node:fs';
import { writeFresh } from '../util/fresh-file.js';
import type { Browser } from 'puppeteer';
import type { Report } from '../model/types.js';
import { pdfDateDigits } from '../util/clock.js';
import { ConfigtrailError } from '../util/errors.js';
import { makeTempDir, removeAtExit, removeNow } from '../util/tempdir.js';
import { addStyle, renderHtml } from './html.js';
import { rowsIn, splitDocument } from './split.js';
import { buildView, type RenderOptions } from './view.js';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/** How long Chromium may take to lay out and print one document or part. */
const PRINT_BUDGET_MS = 600_000;

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
export interface PdfOptions extends RenderOptions {
  executablePath?: string;
  /** Table rows up to which the report is printed whole (default WHOLE_ROWS), and per part beyond (PART_ROWS). */
  wholeRows?: number;
  partRows?: number;
}

/** Flags for headless Chromium here: offline, no background traffic, no sandbox (containers). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-extensions', '--disable-default-apps'];

/**
 * The system Chromium, headless, with a profile of its own (removed by `close`, or at exit if the
 * run is interrupted). The PDF renderer prints with it; the screen tests drive report.html in it.
 */
export async function launchChromium(executablePath?: string): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const path = findChromium(executablePath);
  const profile = makeTempDir('chromium');
  try {
    // Loaded on demand: a run without a PDF does not pay for puppeteer.
    const { default: puppeteer } = await import('puppeteer');
    const browser = await puppeteer.launch({
      executablePath: path,
      headless: true,
      userDataDir: profile,
      // Chromium's own temporary files go inside the profile too: one folder to remove, even when
      // the run is interrupted and Chromium killed before it could clean up.
      env: { ...process.env, TMPDIR: profile },
      args: CHROMIUM_ARGS,
    });
    // Interrupted: Chromium is stopped before its profile is removed, or it could write there again.
    removeAtExit(profile, () => browser.process()?.kill('SIGKILL'));
    return {
      browser,
      close: async () => {
        await browser.close().catch(() => undefined);
        removeNow(profile);
      },
    };
  } catch (err) {
    removeNow(profile);
    throw err;
  }
}

export async function renderPdf(report: Report, outFile: string, opts: PdfOptions = {}): Promise<PdfResult> {
  const blocked: string[] = [];
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    chromium = await launchChromium(opts.executablePath);
    const browser = chromium.browser;
    const print = async (html: string): Promise<Buffer> => {
      const page = await browser.newPage();
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
        try {
          await page.setContent(html, { waitUntil: 'load', timeout: PRINT_BUDGET_MS });
          const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, outline: true, tagged: true, timeout: PRINT_BUDGET_MS });
          return Buffer.from(pdf);
        } catch (err) {
          // One clear line, not Chromium's protocol error: the document is bounded (render/cap.ts),
          // so running out of this budget means the machine, not the data.
          if (err instanceof Error && err.name === 'TimeoutError') throw new ConfigtrailError(`Chromium did not print the PDF within ${PRINT_BUDGET_MS / 1000} s; the other formats are written (--format without pdf skips it)`);
          throw err;
        }
      } finally {
        await page.close();
      }
    };
    const html = renderHtml(report, opts);
    const view = buildView(report, opts);
    if (rowsIn(html) > (opts.wholeRows ?? WHOLE_ROWS)) {
      const { pdf, pages } = await printInParts(report, opts, html, view, print);
      writeFresh(outFile, pdf);
      return { pages, blockedRequests: blocked };
    }
    const first = await print(html);
    const pageNumbers = locateInTexts(await pageTexts(first), view.toc);
    const final = fixDates(await print(renderHtml(report, { ...opts, pageNumbers })), report.generated.at);
    writeFresh(outFile, final);
    return { pages: await countPages(final), blockedRequests: blocked };
  } catch (err) {
    if (err instanceof ConfigtrailError) throw err;
    throw new ConfigtrailError(`PDF rendering failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  } finally {
    await chromium?.close();
  }
}

/** Table rows per part when a large report is printed in parts. */
export const PART_ROWS = 1500;
/**
 * Up to this many table rows (about 1,000 pages) a report is printed whole, with Chromium's
 * bookmarks and tags; beyond, in parts.
 */
export const WHOLE_ROWS = 6000;

/**
 * A large report printed in parts (see split.ts), so Chromium's memory is bounded by a part, not
 * the report. A first pass finds each part's page count and where sections start; the second
 * prints each part with its first page number and the total in the footer, and the parts are joined
 * with pdf-lib. The joined PDF has no bookmarks or tags (Chromium writes them per document); the
 * contents page still links every section to its page number.
 */
async function printInParts(
  report: Report,
  opts: PdfOptions,
  html: string,
  view: { title: string; toc: { id: string; number: string; title: string }[] },
  print: (html: string) => Promise<Buffer>,
): Promise<{ pdf: Buffer; pages: number }> {
  const toc = view.toc;
  const withFooter = (doc: ReturnType<typeof splitDocument>, i: number, firstPage: number, total: number | undefined) => {
    const footer = total === undefined ? '' : `@page { @bottom-right { content: "Page " counter(page) " of ${total}"; } } @page cover { @bottom-right { content: none; } }`;
    // The page counter starts at 1 in every document: the first page of a later part is moved on.
    const start = i > 0 ? `@page :first { counter-increment: page ${firstPage}; }` : '';
    return addStyle(doc.head, `${footer}${start}`) + doc.parts[i] + doc.tail;
  };
  const partRows = opts.partRows ?? PART_ROWS;
  const pass1 = splitDocument(html, partRows);
  const texts: string[] = [];
  const counts: number[] = [];
  for (let i = 0; i < pass1.parts.length; i++) {
    const t = await pageTexts(await print(withFooter(pass1, i, texts.length + 1, undefined)));
    counts.push(t.length);
    texts.push(...t);
  }
  const total = texts.length;
  const pageNumbers = locateInTexts(texts, toc);
  const pass2 = splitDocument(renderHtml(report, { ...opts, pageNumbers }), partRows);
  const pdfLib = await import('pdf-lib');
  const { PDFDocument } = pdfLib;
  const joined = await PDFDocument.create({ updateMetadata: false });
  let next = 1;
  for (let i = 0; i < pass2.parts.length; i++) {
    const part = await PDFDocument.load(await print(withFooter(pass2, i, next, total)), { updateMetadata: false });
    const pages = await joined.copyPages(part, part.getPageIndices());
    for (const page of pages) joined.addPage(page);
    next += pages.length;
  }
  addOutline(joined, toc.flatMap((e) => (pageNumbers.has(e.id) ? [{ title: e.number ? `${e.number} ${e.title}` : e.title, page: pageNumbers.get(e.id)! }] : [])), pdfLib);
  // The generation time, as a document printed whole carries (fixDates): with SOURCE_DATE_EPOCH the same inputs give the same bytes.
  const generated = new Date(report.generated.at);
  joined.setTitle(`${view.title} — ${report.period.label}`);
  joined.setProducer('configtrail');
  joined.setCreator('configtrail');
  joined.setCreationDate(generated);
  joined.setModificationDate(generated);
  return { pdf: Buffer.from(await joined.save()), pages: next - 1 };
}

/** Bookmarks for the joined PDF: one per contents entry, in order, each opening its first page. */
function addOutline(doc: import('pdf-lib').PDFDocument, entries: { title: string; page: number }[], lib: typeof import('pdf-lib')): void {
  const valid = entries.filter((e) => e.page >= 1 && e.page <= doc.getPageCount());
  if (valid.length === 0) return;
  const ctx = doc.context;
  const root = ctx.nextRef();
  const refs = valid.map(() => ctx.nextRef());
  valid.forEach((e, i) => {
    const item = ctx.obj({ Title: lib.PDFHexString.fromText(e.title), Parent: root, Dest: [doc.getPage(e.page - 1).ref, 'Fit'] });
    if (i > 0) item.set(lib.PDFName.of('Prev'), refs[i - 1]!);
    if (i < valid.length - 1) item.set(lib.PDFName.of('Next'), refs[i + 1]!);
    ctx.assign(refs[i]!, item);
  });
  ctx.assign(root, ctx.obj({ Type: 'Outlines', First: refs[0]!, Last: refs.at(-1)!, Count: valid.length }));
  doc.catalog.set(lib.PDFName.of('Outlines'), root);
}

/**
 * Chromium stamps the PDF with the time it printed it, in its own time zone. Replace both dates with
 * the run's generation time (src/util/clock.ts: the clock, or SOURCE_DATE_EPOCH), in UTC, keeping
 * their length (so the cross-reference offsets stay valid): one time in report.json, the document
 * and the PDF's metadata, and with SOURCE_DATE_EPOCH the same inputs give the same bytes.
 */
export function fixDates(pdf: Buffer, at: string): Buffer {
  const digits = pdfDateDigits(at);
  const text = pdf.toString('latin1');
  const fixed = text.replace(/\/(CreationDate|ModDate) \(D:\d{14}([+-]\d\d'\d\d'|Z)?/g, (_m, key: string, zone: string | undefined) => {
    // A zone is rewritten as UTC in the same number of characters; none stays none.
    const utc = zone === undefined ? '' : zone === 'Z' ? 'Z' : "+00'00'";
    return `/${key} (D:${digits}${utc}`;
  });
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

/** Page (1-based) where each section heading first appears after the contents page, from each page's text (whitespace removed). */
function locateInTexts(pages: string[], toc: { id: string; number: string; title: string }[]): Map<string, number> {
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
