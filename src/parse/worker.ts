import { parentPort } from 'node:worker_threads';
import type { SourceFile } from '../model/types.js';
import { parseCached } from './cached.js';
import { parseFile } from './index.js';
import type { BatchRequest, BatchResponse, PoolResult } from './pool.js';

/** A parse worker: batches of files in, their ParsedFiles out. Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: BatchRequest) => {
  const parsed: PoolResult[] = msg.files.map((f: SourceFile) => {
    const file = { ...f, bytes: Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) };
    return msg.workspace ? parseCached(file, msg.opts, msg.workspace) : parseFile(file, msg.opts);
  });
  const res: BatchResponse = { id: msg.id, parsed };
  parentPort!.postMessage(res);
});
