import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Handlebars from 'handlebars';
import type { Report } from '../model/types.js';
import { findPackageRoot } from '../util/package-root.js';
import { lazy } from '../util/lazy.js';
import { formatInstant } from '../util/period.js';
import { buildView, type RenderOptions } from './view.js';

export type { RenderOptions } from './view.js';

/** Loaded on the first HTML render: a JSON-only run does not pay for it. */
const handlebars = lazy<typeof Handlebars>('handlebars');

let compiled: Handlebars.TemplateDelegate | undefined;
let css: string | undefined;

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
    css = readFileSync(join(root, 'templates', 'report.css'), 'utf8');
  }
  return compiled;
}

/** One self-contained HTML document: inline CSS and SVG, no scripts, nothing loaded from anywhere. */
export function renderHtml(report: Report, opts: RenderOptions = {}): string {
  const tpl = template();
  // The stylesheet is the only unescaped value, and it comes from the repository, not the data.
  return tpl({ ...buildView(report, opts), css });
}
