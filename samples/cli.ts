#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { generateExport } from './generator.js';
import { PROFILES } from './profiles.js';

/** `npm run samples -- --seed 42 --out DIR --from 2026-07-01 --to 2026-09-30 [--events N] [--profile automation|data-events]` */
const args = await yargs(hideBin(process.argv))
  .scriptName('configtrail-samples')
  .option('seed', { type: 'number', default: 42 })
  .option('out', { type: 'string', demandOption: true, describe: 'folder to write export/ and ground-truth.json into' })
  .option('from', { type: 'string', default: '2026-07-01' })
  .option('to', { type: 'string', default: '2026-09-30' })
  .option('events', { type: 'number', describe: 'approximate number of CloudTrail records' })
  .option('accounts', { type: 'number', default: 3 })
  .option('regions', { type: 'string', default: 'us-east-1,eu-west-1' })
  .option('changes-per-day', { type: 'number' })
  .option('org', { type: 'string', describe: 'organization id: use the organization-trail layout' })
  .option('profile', { choices: PROFILES, default: 'default' as const, describe: 'what fills the trail beside the story (samples/profiles.ts)' })
  .strict()
  .parseAsync();

const started = process.hrtime.bigint();
const truth = await generateExport({
  seed: args.seed,
  outDir: args.out,
  from: args.from,
  to: args.to,
  accounts: args.accounts,
  regions: args.regions.split(',').map((r) => r.trim()).filter(Boolean),
  ...(args.events !== undefined ? { targetEvents: args.events } : {}),
  ...(args['changes-per-day'] !== undefined ? { changesPerDay: args['changes-per-day'] } : {}),
  ...(args.org ? { organizationId: args.org } : {}),
  profile: args.profile,
});
const secs = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`wrote ${truth.events} CloudTrail events (${Math.round(truth.events / secs)}/s) and ${truth.changes.length} in-period changes for ${truth.accounts.length} accounts to ${args.out} in ${secs.toFixed(1)} s\n`);
