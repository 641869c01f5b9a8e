import { capStrings } from './cap.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
import type { Report } from '../model/types.js';
import { findPackageRoot } from '../util/package-root.js';
import { lazy } from '../util/lazy.js';
import { formatInstant } from '../util/period.js';
import { jsonForScript, screenData } from './screen.js';
import { buildView, type RenderOptions } from './view.js';

export type { RenderOptions } from './view.js';

/** Loaded on the first HTML render: a JSON-only run does not pay for it. */
const handlebars = lazy<typeof Handlebars>('handlebars');

let compiled: Handlebars.TemplateDelegate | undefined;
/** The inline stylesheet (print and screen) and the screen's script, with their CSP hashes. */
let assets: { css: string; script: string; styleHash: string; scriptHash: string } | undefined;

/** A CSP source expression for an inline element's exact text. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Formatting helpers only: every value they return goes through Handlebars' escaping (plain
 * strings), so data can never become markup; `wbr` escapes first and adds only `<wbr>`.
 */
function engine(): typeof Handlebars {
  const hb = handlebars().create();
  hb.registerHelper('num', (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : String(v ?? '')));
  hb.registerHelper('pct1', (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : ''));
  // ISO timestamps shown as "2026-07-03 10:15:42Z": same instant, easier to read, always UTC.
  hb.registerHelper('time', (v: unknown) => (typeof v === 'string' ? formatInstant(v) : ''));
  // An id, ARN or path that may break only after a separator, never mid-token: the one helper that
  // returns markup, and only `<wbr>` added to text Handlebars has escaped first.
  hb.registerHelper('wbr', (v: unknown) => new hb.SafeString(hb.Utils.escapeExpression(typeof v === 'string' ? v : String(v ?? '')).replace(/([/:|.,_@]+)(?=[^\s])/g, '$1<wbr>')));
  const dir = join(findPackageRoot(), 'templates', 'partials');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.hbs')).sort()) {
    hb.registerPartial(f.slice(0, -4), readFileSync(join(dir, f), 'utf8'));
  }
  return hb;
}

function template(): Handlebars.TemplateDelegate {
  if (!compiled) {
    const root = findPackageRoot();
    compiled = engine().compile(readFileSync(join(root, 'templates', 'report.hbs'), 'utf8'), { strict: false, noEscape: false });
    const css = readFileSync(join(root, 'templates', 'report.css'), 'utf8') + readFileSync(join(root, 'templates', 'screen.css'), 'utf8');
    const script = readFileSync(join(root, 'templates', 'screen.js'), 'utf8');
    // Inline text ends at the first `</style` or `</script`: the repository's files must hold none.
    if (/<\/(style|script)/i.test(css + script)) throw new Error('templates/report.css, screen.css or screen.js contains a closing tag');
    assets = { css, script, styleHash: cspHash(css), scriptHash: cspHash(script) };
  }
  return compiled;
}

/**
 * One self-contained HTML document: inline CSS, SVG and one inline script, nothing loaded from
 * anywhere. The Content-Security-Policy allows exactly that stylesheet and that script (by their
 * SHA-256). Without JavaScript (the PDF) it is the full static report; with it, the screen's
 * navigation, search and filters (templates/screen.js), over the rendered rows and the rows the
 * document leaves out, embedded once as JSON.
 */
export function renderHtml(report: Report, opts: RenderOptions = {}): string {
  const tpl = template();
  const data = screenData(report, opts);
  // The stylesheet and script come from the repository; the JSON is escaped for its element
  // (jsonForScript): the only unescaped values.
  return tpl({ ...buildView(report, opts), ...assets, screenJson: data === undefined ? '' : jsonForScript(capStrings(data)) });
}

/** Adds a stylesheet at the end of the document's head, and its hash to the Content-Security-Policy. */
export function addStyle(head: string, css: string): string {
  const withHash = head.replace(/(<meta http-equiv="Content-Security-Policy" content="[^"]*style-src )/, `$1${cspHash(css)} `);
  return withHash.replace('</head>', `<style>${css}</style></head>`);
}
