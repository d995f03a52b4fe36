import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { inflateEntry, readZipEntries, ZipError } from './zip.js';

/** Seeded bytes that deflate hardly shrinks. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed | 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Sheet-like rows: compresses about as well as a real sheet part. */
function rows(count: number): Uint8Array {
  const lines: string[] = [];
  for (let r = 1; r <= count; r++) lines.push(`<row r="${r}"><c r="A${r}" t="s"><v>${(r * 7919) % 100_003}</v></c><c r="B${r}"><v>${(r * 104_729) % 99_991}.5</v></c></row>`);
  return new TextEncoder().encode(lines.join(''));
}

function inflated(zip: Uint8Array, maxBytes = 64 * 1024 * 1024): Uint8Array {
  const [entry] = readZipEntries(zip);
  return inflateEntry(zip, entry!, maxBytes);
}

describe('inflateEntry', () => {
  it('gives a part past the ratio floor byte for byte as written', () => {
    const part = rows(140_000);
    expect(part.length).toBeGreaterThan(8 * 1024 * 1024);
    const zip = zipSync({ 'xl/worksheets/sheet1.xml': part });
    // Compared as buffers: a matcher walking 10 MB element by element takes minutes.
    expect(Buffer.compare(inflated(zip), unzipSync(zip)['xl/worksheets/sheet1.xml']!)).toBe(0);
  });

  it('refuses by ratio a part that is only a bomb at its start (the whole part is under the ratio)', () => {
    const part = new Uint8Array(20 * 1024 * 1024 + 2 * 1024 * 1024);
    part.set(noise(2 * 1024 * 1024, 7), 20 * 1024 * 1024);
    const zip = zipSync({ 'a.xml': part });
    expect(zip.length * 200).toBeGreaterThan(part.length);
    expect(() => inflated(zip)).toThrow(/times its compressed size/);
  });

  it('refuses a part past maxBytes, and damaged data as corrupt', () => {
    const zip = zipSync({ 'a.xml': rows(20_000) });
    expect(() => inflated(zip, 100_000)).toThrow(/inflates beyond 100000 bytes|declares/);
    const [entry] = readZipEntries(zip);
    const damaged = zip.slice();
    // Overwrite the middle of the deflate stream.
    const dataStart = entry!.localHeaderOffset + 30 + 'a.xml'.length;
    damaged.fill(0xff, dataStart + 100, dataStart + 400);
    let error: unknown;
    try {
      inflateEntry(damaged, entry!, 64 * 1024 * 1024);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ZipError);
    expect((error as ZipError).reason).toBe('corrupt');
  });
});
