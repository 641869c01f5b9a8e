// Baseline: DuckDB reading every delivered CloudTrail log file and counting the records (all cores).
import { DuckDBInstance } from '@duckdb/node-api';
import { join } from 'node:path';

const glob = join(process.argv[2], 'AWSLogs', '**', '*_CloudTrail_*.json.gz');
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const reader = await conn.runAndReadAll(`SELECT sum(json_array_length(json, '$.Records'))::BIGINT FROM read_json_objects('${glob.replace(/'/g, "''")}', format = 'auto')`);
process.stdout.write(`${reader.getRows()[0][0]}\n`);
