import { parentPort } from 'node:worker_threads';
import { statKey } from '../store/workspace.js';
import { parseBatchCached } from './cached.js';
import { parseFile } from './index.js';
import type { BatchRequest, BatchResponse, WireFile } from './pool.js';

const EMPTY = Buffer.alloc(0);

/** A parse worker: batches of files in, their ParsedFiles out. Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: BatchRequest) => {
  const files = msg.files.map((f: WireFile) => ({ ...f, bytes: f.bytes ? Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) : EMPTY }));
  const batchKey = msg.workspace ? statKey(files, msg.opts.maxFileBytes) : undefined;
  const parsed = msg.workspace ? parseBatchCached(files, msg.opts, msg.workspace, batchKey) : files.map((f) => parseFile(f, msg.opts));
  const res: BatchResponse = { id: msg.id, parsed, ...(batchKey ? { batchKey } : {}) };
  parentPort!.postMessage(res);
});
