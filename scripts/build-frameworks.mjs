#!/usr/bin/env node
// Regenerates frameworks/<id>.json from Prowler's public compliance files (requirement ids, titles,
// sections: facts, reused with attribution) and frameworks/_mapping.json (which configtrail checks
// evaluate each Prowler check's fact from exported data). Run after changing the mapping:
//   node scripts/build-frameworks.mjs [../shared/data/prowler-compliance]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2] ?? join(root, '..', 'shared', 'data', 'prowler-compliance');
const mapping = JSON.parse(readFileSync(join(root, 'frameworks', '_mapping.json'), 'utf8'));

const oneLine = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();

for (const [id, meta] of Object.entries(mapping.frameworks)) {
  const doc = JSON.parse(readFileSync(join(src, meta.file), 'utf8'));
  const seen = new Set();
  const requirements = [];
  for (const r of doc.Requirements) {
    if (seen.has(r.Id)) continue; // one duplicated id in Prowler's NIST file
    seen.add(r.Id);
    const attr = r.Attributes?.[0] ?? {};
    const checks = new Set();
    const unmapped = [];
    for (const p of r.Checks ?? []) {
      const ours = mapping.prowler[p];
      if (ours) ours.forEach((c) => checks.add(c));
      else unmapped.push(p);
    }
    for (const c of mapping.extra[id]?.[r.Id] ?? []) checks.add(c);
    const title = oneLine(r.Name ?? r.Description);
    const req = { id: r.Id, title };
    const section = oneLine([attr.Section, attr.SubSection].filter(Boolean).join(' — '));
    if (section) req.section = section;
    const description = oneLine(r.Name ? r.Description : attr.Description);
    if (description && description !== title) req.description = description.length > 600 ? `${description.slice(0, 599)}…` : description;
    req.checks = [...checks].sort();
    if (req.checks.length === 0) {
      const reasons = unmapped.map((p) => mapping.manual[p]).filter(Boolean);
      req.manual = reasons.length > 0
        ? [...new Set(reasons)].join(' ')
        : unmapped.length > 0
          ? `Not decidable from AWS Config and CloudTrail exports (needs live evidence such as Prowler's ${unmapped.slice(0, 4).join(', ')}${unmapped.length > 4 ? ', …' : ''}): review by hand.`
          : 'A process or organisational requirement: needs documentary evidence outside the AWS export.';
    } else if (unmapped.length > 0) {
      req.partial = `Also relevant, not evaluated from the export: ${unmapped.slice(0, 6).join(', ')}${unmapped.length > 6 ? ', …' : ''}.`;
    }
    requirements.push(req);
  }
  for (const extra of mapping.added[id] ?? []) if (!seen.has(extra.id)) requirements.push(extra);
  const out = {
    id,
    title: meta.title,
    version: meta.version,
    source: `Requirement list: Prowler ${meta.file} (prowler-cloud/prowler, Apache-2.0); check mapping: configtrail frameworks/_mapping.json.`,
    requirements,
  };
  writeFileSync(join(root, 'frameworks', `${id}.json`), `${JSON.stringify(out, null, 1)}\n`);
  const auto = requirements.filter((r) => r.checks.length > 0).length;
  console.log(`${id}: ${requirements.length} requirements, ${auto} evaluated by checks, ${requirements.length - auto} manual`);
}
