import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import { requireOnce } from './load-once.js';

/**
 * Just enough of a ZIP reader for OOXML: the central directory (names, declared sizes) and a bounded inflate
 * of single entries. Written here rather than using fflate's unzipSync because a zip bomb has to be stopped
 * while it inflates, and unzipSync only returns once the whole entry is out.
 */

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  /** As declared by the archive; a bomb may lie, so inflation still counts real bytes. */
  declaredSize: number;
  localHeaderOffset: number;
}

export class ZipError extends Error {
  constructor(
    readonly reason: 'corrupt' | 'too-large' | 'unsupported' | 'encrypted',
    message: string,
  ) {
    super(message);
    this.name = 'ZipError';
  }
}

/** More entries than any real Office document has; beyond this the central directory itself is an attack. */
export const MAX_ZIP_ENTRIES = 10_000;

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const ZIP64_MARKER = 0xffffffff;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function findEndOfCentralDirectory(bytes: Uint8Array, dv: DataView): number {
  // The EOCD record is 22 bytes plus a comment of at most 65535 bytes, so it sits in the last 64 KiB.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let i = bytes.length - 22; i >= lowest; i--) {
    if (dv.getUint32(i, true) === EOCD_SIGNATURE) return i;
  }
  return -1;
}

/** Lists the entries from the central directory. Throws ZipError on anything it cannot trust. */
export function readZipEntries(bytes: Uint8Array, maxEntries = MAX_ZIP_ENTRIES): ZipEntry[] {
  if (bytes.length < 22) throw new ZipError('corrupt', 'zip too short');
  const dv = view(bytes);
  const eocd = findEndOfCentralDirectory(bytes, dv);
  if (eocd < 0) throw new ZipError('corrupt', 'zip end of central directory not found');
  const count = dv.getUint16(eocd + 10, true);
  const cdSize = dv.getUint32(eocd + 12, true);
  const cdOffset = dv.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === ZIP64_MARKER) throw new ZipError('unsupported', 'zip64 archives are not supported');
  if (count > maxEntries) throw new ZipError('too-large', `zip has ${count} entries (limit ${maxEntries})`);
  if (cdOffset + cdSize > bytes.length) throw new ZipError('corrupt', 'zip central directory out of bounds');
  const decoder = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || dv.getUint32(p, true) !== CENTRAL_SIGNATURE) {
      throw new ZipError('corrupt', 'zip central directory entry damaged');
    }
    const method = dv.getUint16(p + 10, true);
    const compressedSize = dv.getUint32(p + 20, true);
    const declaredSize = dv.getUint32(p + 24, true);
    const nameLength = dv.getUint16(p + 28, true);
    const extraLength = dv.getUint16(p + 30, true);
    const commentLength = dv.getUint16(p + 32, true);
    const localHeaderOffset = dv.getUint32(p + 42, true);
    if (p + 46 + nameLength > bytes.length) throw new ZipError('corrupt', 'zip entry name out of bounds');
    if (compressedSize === ZIP64_MARKER || declaredSize === ZIP64_MARKER || localHeaderOffset === ZIP64_MARKER) {
      throw new ZipError('unsupported', 'zip64 entries are not supported');
    }
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    entries.push({ name, method, compressedSize, declaredSize, localHeaderOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Entry names as OOXML consumers see them: some writers use backslashes, and part names are case-insensitive. */
export function normaliseEntryName(name: string): string {
  return name.replace(/\\/g, '/').replace(/^\/+/, '').toLowerCase();
}

export function findEntry(entries: ZipEntry[], name: string): ZipEntry | undefined {
  const wanted = normaliseEntryName(name);
  return entries.find((e) => normaliseEntryName(e.name) === wanted);
}

// Small enough that one push of a bomb inflates a few MB, not hundreds, before the callback can refuse it.
const INFLATE_CHUNK = 16 * 1024;

class InflateLimitReached extends Error {}
class InflateRatioExceeded extends Error {}

/**
 * Apache POI refuses entries that inflate more than 100× by default. Parts of real documents stay far below
 * (a sheet of numbered rows of zeros compresses ~17×); only markup repeated by a machine reaches hundreds.
 * Twice POI's ratio leaves room, and parts that inflate to less than the floor are never refused for it.
 */
export const MAX_INFLATE_RATIO = 200;
const RATIO_FLOOR_BYTES = 8 * 1024 * 1024;

/**
 * Inflates one entry, refusing it as soon as more than `maxBytes` come out (the declared size is checked
 * first, but only the real count can be trusted).
 */
export function inflateEntry(bytes: Uint8Array, entry: ZipEntry, maxBytes: number): Uint8Array {
  if (entry.declaredSize > maxBytes) {
    throw new ZipError('too-large', `zip entry declares ${entry.declaredSize} bytes (limit ${maxBytes})`);
  }
  const dv = view(bytes);
  const lh = entry.localHeaderOffset;
  if (lh + 30 > bytes.length || dv.getUint32(lh, true) !== LOCAL_SIGNATURE) {
    throw new ZipError('corrupt', 'zip local header damaged');
  }
  if ((dv.getUint16(lh + 6, true) & 1) !== 0) throw new ZipError('encrypted', 'zip entry is password-protected');
  const start = lh + 30 + dv.getUint16(lh + 26, true) + dv.getUint16(lh + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) throw new ZipError('corrupt', 'zip entry data truncated');
  const compressed = bytes.subarray(start, end);
  if (entry.method === 0) {
    if (compressed.length > maxBytes) throw new ZipError('too-large', `zip entry exceeds ${maxBytes} bytes`);
    return compressed;
  }
  if (entry.method !== 8) throw new ZipError('unsupported', `zip compression method ${entry.method} not supported`);
  return inflateFast(compressed, entry.declaredSize, maxBytes) ?? inflateBounded(compressed, maxBytes);
}

/**
 * zlib inflates an office part several times faster than fflate's streaming Inflate, but only in one go, so
 * the bounded path's verdicts are checked after the fact: zlib's output may not pass `maxBytes` nor, past the
 * ratio floor, 200 times the whole input (the bounded path's last check), and at each earlier point where the
 * bounded path checks the ratio (every INFLATE_CHUNK of input) the part is inflated that far again: zlib gives
 * all that input can give, at least what fflate had given there, so passing here means passing there. The
 * prefixes only matter while 200 times the input is short of the output, the first few hundred KB of input.
 * Anything else — a check that fails, damaged or truncated data, bytes after the end of the stream — is
 * left to the bounded path, which gives the verdict and the message exactly as before. Parts that declare
 * more than the output allowed go there directly rather than being inflated twice.
 */
function inflateFast(compressed: Uint8Array, declaredSize: number, maxBytes: number): Uint8Array | null {
  const cap = Math.min(maxBytes, Math.max(RATIO_FLOOR_BYTES, compressed.length * MAX_INFLATE_RATIO));
  if (cap < 1 || compressed.length === 0 || declaredSize > cap) return null;
  let out: Buffer;
  try {
    // Output in one buffer of the declared size (one byte more to see the end), not 16 KB pieces joined after:
    // a third of the time on a 45 MB part. A size that lies only costs pieces again, or room up to the cap.
    const chunkSize = Math.max(64, Math.min(declaredSize + 1, cap));
    const { buffer, engine } = inflateRawSync(compressed, { maxOutputLength: cap, chunkSize, info: true }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
    if (engine.bytesWritten !== compressed.length) return null;
    out = buffer;
  } catch {
    return null;
  }
  if (out.length > RATIO_FLOOR_BYTES && !ratioHeldThroughout(compressed, out.length)) return null;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * fflate is loaded when a part first needs the bounded path, not with this module: the sniff reads zip
 * directories on every worker, and importing fflate there cost each worker's start ~15 ms. Its CommonJS
 * build loads synchronously.
 */
const fflate = requireOnce<typeof import('fflate')>('fflate');

/** Whether every INFLATE_CHUNK prefix of the input inflated to at most the floor or 200 times its length. */
function ratioHeldThroughout(compressed: Uint8Array, total: number): boolean {
  for (let consumed = INFLATE_CHUNK; consumed < compressed.length && consumed * MAX_INFLATE_RATIO < total; consumed += INFLATE_CHUNK) {
    const allowed = Math.max(RATIO_FLOOR_BYTES, consumed * MAX_INFLATE_RATIO);
    try {
      inflateRawSync(compressed.subarray(0, consumed), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: allowed });
    } catch {
      return false;
    }
  }
  return true;
}

function inflateBounded(compressed: Uint8Array, maxBytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let finished = false;
  // A bomb that lies about its size would otherwise be inflated all the way to the limit (hundreds of MB per
  // worker) before being refused. The ratio is checked against the compressed bytes consumed so far, so a
  // bomb is stopped after its first chunk rather than after 200 times its whole size.
  let consumed = 0;
  const StreamingInflate = fflate().Inflate;
  const inflater = new StreamingInflate((data, final) => {
    total += data.length;
    if (total > maxBytes) throw new InflateLimitReached();
    if (total > RATIO_FLOOR_BYTES && total > consumed * MAX_INFLATE_RATIO) throw new InflateRatioExceeded();
    chunks.push(data);
    if (final) finished = true;
  });
  try {
    for (let off = 0; off < compressed.length; off += INFLATE_CHUNK) {
      const last = off + INFLATE_CHUNK >= compressed.length;
      consumed = Math.min(off + INFLATE_CHUNK, compressed.length);
      inflater.push(compressed.subarray(off, Math.min(off + INFLATE_CHUNK, compressed.length)), last);
    }
    if (compressed.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof InflateLimitReached) {
      throw new ZipError('too-large', `zip entry inflates beyond ${maxBytes} bytes`);
    }
    if (err instanceof InflateRatioExceeded) {
      throw new ZipError('too-large', `zip entry inflates more than ${MAX_INFLATE_RATIO} times its compressed size (a zip bomb)`);
    }
    throw new ZipError('corrupt', 'zip entry data does not inflate');
  }
  if (!finished) throw new ZipError('corrupt', 'zip entry data truncated');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Inflates every entry within the limits: declared sizes first (cheap), then real inflated sizes (a bomb
 * can declare 1 KB), and the sum over all entries (many medium parts are a bomb too, so the total may be
 * at most four times one part's limit).
 */
export function inflateAll(bytes: Uint8Array, entries: ZipEntry[], maxInflatedBytes: number): Map<string, Uint8Array> {
  const totalLimit = maxInflatedBytes * 4;
  let declaredTotal = 0;
  for (const e of entries) {
    if (e.declaredSize > maxInflatedBytes) {
      throw new ZipError('too-large', `zip entry declares ${e.declaredSize} bytes (limit ${maxInflatedBytes})`);
    }
    declaredTotal += e.declaredSize;
  }
  if (declaredTotal > totalLimit) throw new ZipError('too-large', `zip declares ${declaredTotal} bytes in total`);
  const out = new Map<string, Uint8Array>();
  let realTotal = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const data = inflateEntry(bytes, e, maxInflatedBytes);
    realTotal += data.length;
    if (realTotal > totalLimit) throw new ZipError('too-large', `zip inflates beyond ${totalLimit} bytes in total`);
    out.set(e.name, data);
  }
  return out;
}
