import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface Entry {
  name: string;
  content?: string | Buffer;
  /** tar entry type; default 'file'. */
  type?: 'file' | 'symlink' | 'directory';
  linkname?: string;
}

/** Builds a tar (optionally gzipped) in memory, names written exactly as given (hostile ones too). */
export async function makeTar(entries: Entry[], gzip = false): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) {
    const body = e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mtime: new Date(0) }, body ?? '', (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  await done;
  const buf = Buffer.concat(chunks);
  return gzip ? gzipSync(buf) : buf;
}

/**
 * A minimal zip writer (yauzl only reads): deflate or stored entries, UTF-8 names written as given,
 * optional Unix mode to mark an entry as a symlink. Crafted layouts: `shared`, every entry's data is
 * the first entry's (one local entry that the central directory lists under every name: a zip
 * bomb's trick); `reversed`, the central directory lists the entries last first.
 */
export function makeZip(entries: (Entry & { mode?: number; store?: boolean })[], layout?: 'shared' | 'reversed'): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const given of entries) {
    const e = layout === 'shared' ? { ...entries[0]!, name: given.name } : given;
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content ?? '');
    const body = e.store ? data : deflateRawSync(data);
    const method = e.store ? 0 : 8;
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    if (layout !== 'shared' || locals.length === 0) locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by Unix, so the mode in external attributes counts
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(layout === 'shared' ? 0 : offset, 42);
    centrals.push(central, name);
    offset += layout === 'shared' && offset > 0 ? 0 : local.length + name.length + body.length;
  }
  if (layout === 'reversed') {
    const pairs = Array.from({ length: centrals.length / 2 }, (_, i) => centrals.slice(2 * i, 2 * i + 2));
    centrals.splice(0, centrals.length, ...pairs.reverse().flat());
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
