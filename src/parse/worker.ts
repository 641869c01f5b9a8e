import { parentPort } from 'node:worker_threads';
import { parseBatch } from './cached.js';
import type { BatchRequest, BatchResponse, WireFile } from './pool.js';

const EMPTY = Buffer.alloc(0);

/** A parse worker: batches of files in, their ParsedFiles out. Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: BatchRequest) => {
  const files = msg.files.map((f: WireFile) => ({ ...f, bytes: f.bytes ? Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) : EMPTY }));
  const res: BatchResponse = { id: msg.id, ...parseBatch(files, msg.opts, msg.workspace) };
  parentPort!.postMessage(res);
});
