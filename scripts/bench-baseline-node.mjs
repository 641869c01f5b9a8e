// Baseline: Node's bare gunzip + JSON.parse over every delivered CloudTrail log file, one thread.
// Prints the number of records.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (/_CloudTrail_.*\.json\.gz$/.test(e.name)) yield p;
  }
}

let records = 0;
for (const f of files(process.argv[2])) records += JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')).Records.length;
process.stdout.write(`${records}\n`);
