#!/usr/bin/env node
// The entry. A command that reads inputs starts the parse workers first thing, so that they load
// their modules while this thread loads the rest of configtrail (cli/app.ts and all it imports:
// ~150 ms before any input could be read). A mistaken guess costs nothing: a prestarted worker
// that no pool takes does not keep the process alive.
import { prestartWorkers } from '../parse/prestart.js';

const command = process.argv.slice(2).find((a) => !a.startsWith('-'));
if ((command === 'report' || command === 'evidence') && !process.argv.includes('--help')) prestartWorkers();
await import('./app.js');
