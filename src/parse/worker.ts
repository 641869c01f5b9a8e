import { parentPort } from 'node:worker_threads';
import type { SourceFile } from '../model/types.js';
import { parseFile, type ParseOptions } from './index.js';

/** A parse worker: files in, ParsedFile out. Parsing is pure, so it runs the same here as inline. */
parentPort?.on('message', (msg: { id: number; file: SourceFile; opts: ParseOptions }) => {
  const file = { ...msg.file, bytes: Buffer.from(msg.file.bytes.buffer, msg.file.bytes.byteOffset, msg.file.bytes.byteLength) };
  parentPort!.postMessage({ id: msg.id, parsed: parseFile(file, msg.opts) });
});
