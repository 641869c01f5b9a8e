import { parentPort } from 'node:worker_threads';
import type { SourceFile } from '../model/types.js';
import { parseCached } from './cached.js';
import { parseFile, type ParseOptions } from './index.js';

/** A parse worker: files in, ParsedFile out. Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: { id: number; file: SourceFile; opts: ParseOptions; workspace?: string }) => {
  const file = { ...msg.file, bytes: Buffer.from(msg.file.bytes.buffer, msg.file.bytes.byteOffset, msg.file.bytes.byteLength) };
  const parsed = msg.workspace ? parseCached(file, msg.opts, msg.workspace) : parseFile(file, msg.opts);
  parentPort!.postMessage({ id: msg.id, parsed });
});
