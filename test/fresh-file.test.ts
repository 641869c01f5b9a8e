import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeDeadTempFiles, writeFresh, writeFreshWith } from '../src/util/fresh-file.js';
import { tempDir } from './helpers/cli.js';

describe('files are written whole or not at all', () => {
  it('a write that fails leaves nothing under the final name, not even what stood there, and names the file', () => {
    const dir = tempDir('fresh');
    const path = join(dir, 'report.html');
    writeFileSync(path, 'the last run');
    expect(() =>
      writeFreshWith(path, (fd) => {
        writeFileSync(fd, 'half a report');
        throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
      }),
    ).toThrow(`cannot write ${path}: ENOSPC (no space left on the device)`);
    // The earlier output stands until a whole one replaces it; no temporary file is left.
    expect(readFileSync(path, 'utf8')).toBe('the last run');
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('replaces a link planted at the final name instead of writing through it', () => {
    const dir = tempDir('fresh-link');
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'untouched');
    mkdirSync(join(dir, 'out'));
    symlinkSync(victim, join(dir, 'out', 'report.json'));
    writeFresh(join(dir, 'out', 'report.json'), '{}');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).toBe('{}');
    expect(existsSync(join(dir, 'out', '.report.json.tmp'))).toBe(false);
  });
});

describe('removeDeadTempFiles', () => {
  it('removes the temporary files of killed processes and leaves those of running ones and every other file', () => {
    const dir = tempDir('fresh-dead');
    // The id of a process that has ended.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const names = [`.a.json.gz.${dead}.tmp`, `.b.json.gz.${process.pid}.tmp`, 'c.json.gz', '.hidden', `d.${dead}.tmp`];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    expect(removeDeadTempFiles(dir)).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(names.slice(1).sort());
  });
});
