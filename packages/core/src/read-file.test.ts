import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepReadBytes, readListedFile, releaseReadBuffer } from './read-file.js';

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

describe('reading into the thread\'s reused buffer', () => {
  const write = (name: string, size: number, letter: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, letter.repeat(size));
    return file;
  };
  const read = (file: string) => {
    const outcome = readListedFile(file, 64 * 1024 * 1024, undefined, { reuse: true });
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.bytes;
  };

  it('gives a smaller file read after a larger one only its own bytes, in the same memory', () => {
    const large = read(write('reuse-large.txt', 300_000, 'L'));
    releaseReadBuffer();
    const small = read(write('reuse-small.txt', 1000, 's'));
    releaseReadBuffer();
    expect(small.toString('latin1')).toBe('s'.repeat(1000));
    expect(small.buffer).toBe(large.buffer);
  });

  it('never reads over bytes still lent, or kept past their file', () => {
    const first = read(write('reuse-first.txt', 5000, 'a'));
    // Not released yet: a second read must not land on the first's bytes.
    const second = read(write('reuse-second.txt', 5000, 'b'));
    expect(second.buffer).not.toBe(first.buffer);
    keepReadBytes(first);
    releaseReadBuffer();
    const third = read(write('reuse-third.txt', 5000, 'c'));
    releaseReadBuffer();
    expect(first.toString('latin1')).toBe('a'.repeat(5000));
    expect(third.toString('latin1')).toBe('c'.repeat(5000));
  });

  it('gives files past its cap their own buffer', () => {
    const big = read(write('reuse-big.txt', 5 * 1024 * 1024, 'x'));
    releaseReadBuffer();
    const next = read(write('reuse-next.txt', 10, 'y'));
    releaseReadBuffer();
    expect(next.buffer).not.toBe(big.buffer);
    expect(big.length).toBe(5 * 1024 * 1024);
  });
});
