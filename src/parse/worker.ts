import { parentPort } from 'node:worker_threads';
import { statKeyIn } from '../store/workspace.js';
import { parseBatch } from './cached.js';
import type { BatchRequest, BatchResponse, WireFile } from './pool.js';
import { NO_BYTES } from '../util/no-bytes.js';
import { withEventLines } from '../store/event-lines.js';
import { sealHourFile } from '../store/events.js';

/** A parse worker: batches of files in, their ParsedFiles out (events as the store's lines). Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: BatchRequest) => {
  if (msg.seal) {
    const res: BatchResponse = { id: msg.id, parsed: [], sealed: sealHourFile(msg.seal) };
    return parentPort!.postMessage(res);
  }
  if (msg.statIn) {
    const batchKeys = msg.statIn.map((r) => statKeyIn(r.folder, r.names, msg.opts.maxFileBytes));
    const res: BatchResponse = { id: msg.id, parsed: [], batchKeys };
    return parentPort!.postMessage(res);
  }
  const files = msg.files.map((f: WireFile) => ({ ...f, bytes: f.bytes ? Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength) : NO_BYTES }));
  const batch = parseBatch(files, msg.opts, msg.workspace);
  // Events cross to the main thread as the store's lines: text, not objects to copy and serialise there.
  const keep = msg.opts.keep;
  if (keep) for (const p of batch.parsed) withEventLines(p, keep);
  const res: BatchResponse = { id: msg.id, ...batch };
  parentPort!.postMessage(res);
});
