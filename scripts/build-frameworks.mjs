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

const supportingOnly = new Set(mapping.supportingOnly.checks);
const sorted = (set) => [...set].sort();

/**
 * The official id a requirement is known by (SOC 2 `CC8.1`, NIST `AC-2(1)`), read from the start
 * of Prowler's title where its own id is an internal one (`cc_8_1`); the rest of the title stays.
 */
function officialId(title) {
  const m = /^((?:CC|PI|[ACP])\d+\.\d+|[A-Z]{2}-\d+(?:\(\d+\))*(?:\([a-z]\))*)(?:\s+|$)(.*)$/.exec(title);
  return m ? { id: m[1], title: m[2] || m[1] } : undefined;
}

for (const [id, meta] of Object.entries(mapping.frameworks)) {
  const doc = JSON.parse(readFileSync(join(src, meta.file), 'utf8'));
  const mode = mapping.modes[id];
  const curated = mapping.curated[id] ?? {};
  const seen = new Set();
  const requirements = [];
  for (const r of doc.Requirements) {
    if (seen.has(r.Id)) continue; // one duplicated id in Prowler's NIST file
    seen.add(r.Id);
    const attr = r.Attributes?.[0] ?? {};
    const mapped = new Set();
    const supporting = new Set();
    const unmapped = [];
    const via = [];
    for (const p of r.Checks ?? []) {
      const ours = mapping.prowler[p];
      if (!ours) unmapped.push(p);
      else if (supportingOnly.has(p)) ours.forEach((c) => supporting.add(c));
      else {
        ours.forEach((c) => mapped.add(c));
        via.push(p);
      }
    }
    for (const c of mapping.extra[id]?.[r.Id] ?? []) mapped.add(c);
    // Prowler names some requirements by a service alone (PCI DSS `elb`): its description is the title.
    let title = oneLine(/^[a-z0-9-]+$/.test(r.Name ?? '') && r.Description ? r.Description : (r.Name ?? r.Description));
    let rid = r.Id;
    const official = mapping.officialIds[id] === 'title' ? officialId(title) : undefined;
    if (official) {
      rid = official.id;
      title = official.title;
    }
    const req = { id: rid, title };
    if (rid !== r.Id) req.aliases = [r.Id];
    const section = oneLine([attr.Section, attr.SubSection].filter(Boolean).join(' — '));
    if (section) req.section = section;
    const description = oneLine(r.Name && title !== oneLine(r.Description) ? r.Description : attr.Description);
    if (description && description !== title) req.description = description.length > 600 ? `${description.slice(0, 599)}…` : description;
    const own = curated[rid] ?? curated[r.Id];
    if (own) {
      req.checks = own.checks ?? [];
      if (own.indicators?.length) req.indicators = own.indicators;
      if (own.supporting?.length) req.supporting = own.supporting;
      if (own.rationale) req.rationale = own.rationale;
      if (own.manual) req.manual = own.manual;
    } else {
      req.checks = mode === 'decides' ? sorted(mapped) : [];
      if (mode !== 'decides' && mapped.size > 0) req.indicators = sorted(mapped);
      if (supporting.size > 0) req.supporting = sorted(supporting);
      if (mapped.size > 0) {
        req.rationale = mode === 'decides'
          ? `Evaluates from the export the facts Prowler checks for this requirement (${via.slice(0, 4).join(', ')}${via.length > 4 ? ', …' : ''}).`
          : `Evaluates from the export the facts Prowler maps here (${via.slice(0, 4).join(', ')}${via.length > 4 ? ', …' : ''}): a failure is an exception to the requirement; a pass does not establish it.`;
      } else if (supporting.size > 0) req.rationale = mapping.supportingOnly.rationale;
      if (mapped.size === 0) {
        const reasons = supporting.size > 0 ? [mapping.supportingOnly.manual] : unmapped.map((p) => mapping.manual[p]).filter(Boolean);
        req.manual = reasons.length > 0
          ? [...new Set(reasons)].join(' ')
          : unmapped.length > 0
            ? `Not decidable from AWS Config and CloudTrail exports (needs live evidence such as Prowler's ${unmapped.slice(0, 4).join(', ')}${unmapped.length > 4 ? ', …' : ''}): review by hand.`
            : 'A process or organisational requirement: needs documentary evidence outside the AWS export.';
      } else if (mode !== 'decides') {
        req.manual = 'The requirement is broader than the configuration the export holds: with no exception found, it needs review by hand.';
      }
      if (mapped.size > 0 && unmapped.length > 0) req.partial = `Also relevant, not evaluated from the export: ${unmapped.slice(0, 6).join(', ')}${unmapped.length > 6 ? ', …' : ''}.`;
    }
    if (req.checks.length === 0 && !req.manual) req.manual = 'The requirement is broader than the configuration the export holds: with no exception found, it needs review by hand.';
    requirements.push(req);
  }
  for (const extra of mapping.added[id] ?? []) {
    if (seen.has(extra.id)) continue;
    const { checks, ...rest } = extra;
    requirements.push(mode === 'decides' ? extra : { ...rest, checks: [], indicators: checks, manual: 'The requirement is broader than the configuration the export holds: with no exception found, it needs review by hand.' });
  }
  const out = {
    id,
    title: meta.title,
    version: meta.version,
    source: `Requirement list: Prowler ${meta.file} (prowler-cloud/prowler, Apache-2.0); check mapping: configtrail frameworks/_mapping.json.`,
    requirements,
  };
  writeFileSync(join(root, 'frameworks', `${id}.json`), `${JSON.stringify(out, null, 1)}\n`);
  const decides = requirements.filter((r) => r.checks.length > 0).length;
  const indicates = requirements.filter((r) => r.checks.length === 0 && r.indicators).length;
  console.log(`${id}: ${requirements.length} requirements, ${decides} decided by checks, ${indicates} with exceptions only, ${requirements.length - decides - indicates} manual`);
}
