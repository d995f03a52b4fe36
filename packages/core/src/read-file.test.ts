import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readListedFile } from './read-file.js';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-scan-read-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('reading a listed file whole', () => {
  it('gives every byte of files around the sizes a read is sized by', () => {
    for (const size of [0, 1, 2, 4095, 4096, 4097, 10_240, 65_537]) {
      const file = path.join(dir, `size-${size}.txt`);
      const bytes = Buffer.from(Array.from({ length: size }, (_, i) => 0x41 + (i % 26)));
      fs.writeFileSync(file, bytes);
      const read = readListedFile(file, 1024 * 1024);
      expect(read.ok && Buffer.compare(read.bytes, bytes)).toBe(0);
    }
  });

  it.runIf(fs.existsSync('/proc/self/status'))('reads to the end a file whose size says 0 (procfs)', () => {
    expect(fs.statSync('/proc/self/status').size).toBe(0);
    const read = readListedFile('/proc/self/status', 1024 * 1024);
    expect(read.ok && read.bytes.toString('latin1')).toContain('Name:');
  });

  it('refuses a file over the limit without reading it', () => {
    const file = path.join(dir, 'large.txt');
    fs.writeFileSync(file, 'x'.repeat(5000));
    expect(readListedFile(file, 4096)).toMatchObject({ ok: false, status: 'skipped', reason: 'too-large' });
  });
});
