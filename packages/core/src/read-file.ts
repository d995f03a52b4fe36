import fs from 'node:fs';
import type { ErrorReason, FileEntry, SkipReason } from './types.js';

/** What the reader's fstat saw of a file: the report's size, time and ownership when the crawl left them to it. */
export type ReadStats = Pick<fs.Stats, 'size' | 'mtimeMs' | 'mode' | 'uid' | 'gid'>;

export type ReadOutcome =
  | { ok: true; bytes: Buffer; stats: ReadStats }
  | { ok: false; status: 'skipped' | 'error'; reason: SkipReason | ErrorReason; message: string; stats?: ReadStats };

/**
 * Files are read whole into a worker's memory, and every extractor works on those bytes; past this size a
 * read would hold gigabytes per thread (and Node cannot read 2 GiB into one buffer at all), so larger files
 * are refused whatever --max-file-size says, rather than streamed through extractors that need it all.
 */
export const MAX_READ_BYTES = 1024 * 1024 * 1024;

/**
 * Why a file of this size is not read, or undefined when it may be: one rule and one wording for the crawl's
 * lstat and the reader's fstat, so a file's report does not depend on which of them saw its size first.
 */
export function sizeRefusal(size: number, maxFileSize: number): string | undefined {
  if (size > maxFileSize) return `file is ${size} bytes, over the ${maxFileSize}-byte limit`;
  if (size > MAX_READ_BYTES) return `file is ${size} bytes; files over ${MAX_READ_BYTES} bytes are never read (a file is read into memory whole)`;
  return undefined;
}

/**
 * Reads a whole file the crawl listed, re-checking what may have changed since: it may be gone, grown past
 * the limit, or replaced by a FIFO (opened non-blocking so a FIFO cannot stall a worker). `rawPath` (base64
 * of the path's bytes) opens a file whose name is not UTF-8, which `filePath` only spells with escapes.
 * Synchronous, as every call in it is (see readAtMost): a worker awaiting it made promises of every file.
 * With `reuse`, the bytes may be the thread's reused buffer (see takeReusedBuffer): the caller gives it back
 * with releaseReadBuffer once the file is done.
 */
export function readListedFile(filePath: string, maxFileSize: number, rawPath?: string, options: { reuse?: boolean; noFollow?: boolean } = {}): ReadOutcome {
  const limit = Math.min(maxFileSize, MAX_READ_BYTES);
  let fd: number | undefined;
  try {
    fd = fs.openSync(openablePath(filePath, rawPath), fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | (options.noFollow ? fs.constants.O_NOFOLLOW : 0));
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) return { ok: false, status: 'skipped', reason: 'not-regular-file', message: 'no longer a regular file', stats };
    const refusal = sizeRefusal(stats.size, maxFileSize);
    if (refusal) return { ok: false, status: 'skipped', reason: 'too-large', message: refusal, stats };
    const bytes = readAtMost(fd, stats.size, limit, options.reuse === true);
    if (bytes === undefined) {
      return { ok: false, status: 'skipped', reason: 'too-large', message: `file grew past the ${limit}-byte limit while being read`, stats };
    }
    return { ok: true, bytes, stats };
  } catch (error) {
    if (options.noFollow && (error as NodeJS.ErrnoException)?.code === 'ELOOP') return REPLACED_BY_LINK;
    return { ok: false, status: 'error', ...describeReadError(error) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The path to open: the listed bytes when the name is not UTF-8 (see FileEntry.rawPath), else its text. */
const openablePath = (filePath: string, rawPath: string | undefined): string => (rawPath ? (Buffer.from(rawPath, 'base64') as unknown as string) : filePath);

/**
 * What an lstat says of a listed file now, for a report that has no fstat of it (it could not be opened, or
 * its worker failed), or undefined when there is nothing left to stat.
 */
export function lstatListed(entry: Pick<FileEntry, 'path' | 'rawPath'>): fs.Stats | undefined {
  try {
    return fs.lstatSync(openablePath(entry.path, entry.rawPath));
  } catch {
    return undefined;
  }
}

/**
 * A file listed as a regular file that is a symbolic link when it is opened: swapped after the listing, or by
 * someone who can write to the share and wants the scan to read what the link points at. The crawl does not
 * follow links unless asked, and neither does the read.
 */
const REPLACED_BY_LINK: ReadOutcome = {
  ok: false,
  status: 'skipped',
  reason: 'symlink',
  message: 'became a symbolic link after it was listed; not followed (use --follow-symlinks)',
};

/**
 * Reads to the end, but never more than `limit` bytes: a file that keeps growing (a log being written) must
 * not be followed past the limit. Undefined when it grew past the limit. Synchronous on purpose: a worker
 * thread reads one file at a time anyway, and the async calls each took a trip through libuv's four shared
 * threads (~300 µs per 10 KB file, read was half of a small-file scan); a sync read takes ~15 µs.
 */
function readAtMost(fd: number, expected: number, limit: number, reuse: boolean): Buffer | undefined {
  const size = Math.max(1, Math.min(expected, limit) + 1);
  // Never from the shared pool: extractors see `bytes.buffer`, which must not hold another file's bytes.
  let buffer = (reuse ? takeReusedBuffer(size) : undefined) ?? Buffer.allocUnsafeSlow(size);
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (buffer.length > limit) return undefined;
      const grown = Buffer.allocUnsafeSlow(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(grown, 0, 0, length);
      buffer = grown;
    }
    const bytesRead = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    // A read that stopped short exactly at the size fstat gave met the end of the file: asking again only to
    // be told 0 was a second syscall per file (~1 µs of a 10 KB file's ~11 µs read). A size that is not the
    // content's (procfs says 0, sysfs 4096) or a file still growing is read on until a read returns nothing.
    if (length === expected && length < buffer.length) break;
  }
  if (length > limit) return undefined;
  return buffer.subarray(0, length);
}

/**
 * A worker reads file after file, and most are scanned and done before the next is read. A fresh buffer per
 * file cost ~4 % of the 1 MiB text set's CPU: each new megabyte is memory the kernel hands over page by
 * page as the read first touches it (and V8 counts it as external memory until a collection frees it),
 * where a buffer read into again is already mapped and in the cache. So files up to this size share one
 * buffer per thread; larger ones, and files read ahead (two at once), get their own.
 */
const REUSED_MAX_BYTES = 4 * 1024 * 1024;

let reused: Buffer | undefined;
let lent = false;
let kept = false;

/** The thread's reused buffer, at least `size` bytes; undefined while it is lent or when `size` is past the cap. */
function takeReusedBuffer(size: number): Buffer | undefined {
  if (lent || size > REUSED_MAX_BYTES + 1) return undefined;
  if (!reused || reused.length < size) {
    // Grown in steps, so a run of files of rising size does not allocate for each.
    reused = Buffer.allocUnsafeSlow(Math.min(REUSED_MAX_BYTES + 1, Math.max(size, 64 * 1024, (reused?.length ?? 0) * 2)));
  }
  lent = true;
  kept = false;
  return reused;
}

/**
 * For whatever holds a file's bytes past the file's own scan (a pdftotext run writes them into its FIFO from
 * libuv's thread pool): when they are the reused buffer, it is left to them and the next file gets another.
 */
export function keepReadBytes(bytes: Uint8Array): void {
  if (lent && reused && bytes.buffer === reused.buffer) kept = true;
}

/** The file read with `reuse` is done: its bytes may be read over, unless something kept them. */
export function releaseReadBuffer(): void {
  // A buffer handed to something that detached it reads as empty.
  if (kept || reused?.byteLength === 0) reused = undefined;
  lent = false;
  kept = false;
}

function describeReadError(error: unknown): { reason: ErrorReason; message: string } {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return { reason: 'vanished', message: 'file disappeared between listing and reading' };
  if (code === 'EACCES' || code === 'EPERM') return { reason: 'permission-denied', message: 'permission denied' };
  if (code === 'ENAMETOOLONG') return { reason: 'read-error', message: 'path is longer than the system allows (ENAMETOOLONG)' };
  return { reason: 'read-error', message: `read failed (${code ?? 'unknown error'})` };
}
