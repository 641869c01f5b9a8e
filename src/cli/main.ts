#!/usr/bin/env node
// The entry. A command that reads inputs starts a parse worker first thing, so that it loads its
// modules while this thread loads the rest of configtrail (cli/app.ts and all it imports, one
// bundle when built: this file is left out of it, so the worker starts before the bundle is
// compiled; see scripts/bundle.mjs); the command starts the others once it knows whether a saved
// ingest may spare reading the files (see reportCommand). A mistaken guess costs nothing: a
// prestarted worker that no pool takes does not keep the process alive.
import { prestartWorkers } from '../parse/prestart.js';

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if ((command === 'report' || command === 'evidence') && !process.argv.includes('--help')) prestartWorkers(undefined, 1);
await import('./app.js');
