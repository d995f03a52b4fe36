import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { failure } from './limits.js';
import { isGzip, looksLikeTar, type ArchiveBudget, type ArchiveKind } from './archive-formats.js';
import { inflateEntry, readZipEntries, ZipError, type ZipEntry } from './zip.js';
import type { ContainedFile, ContainedFiles, ExtractFailure, ExtractLimits, ExtractResult } from './types.js';

/**
 * Archives (zip, tar, tar.gz, gz) as sources of member files. Nothing touches the disk: members are inflated
 * into memory one at a time, each under a byte limit, and the archive's own result says what was cut short.
 * The analyzer scans each member like a file and opens nested archives until the depth limit.
 */

// What the sniff and the analyzer need of archives, without this module's zip and gzip readers.
export { DEFAULT_ARCHIVE_DEPTH, isGzip, looksLikeTar, newArchiveBudget, type ArchiveBudget, type ArchiveKind } from './archive-formats.js';

export const DEFAULT_ARCHIVE_ENTRIES = 10_000;
export const DEFAULT_ARCHIVE_MEMBER_BYTES = 256 * 1024 * 1024;
export const DEFAULT_ARCHIVE_TOTAL_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_INFLATION_RATIO = 200;
/** Small members may compress very well (a page of one repeated character); the ratio only judges big ones. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
/** Input slice fed to gunzip: bounds how much output one slice can buffer before the limit check sees it. */
const GUNZIP_SLICE = 16 * 1024;
/** The most entries a zip without zip64 can list; beyond our own entry limit they are counted, not read. */
const ZIP_LISTING_CEILING = 0xffff;

interface ResolvedLimits {
  entries: number;
  member: number;
  total: number;
  ratio: number;
}

function resolve(limits: ExtractLimits): ResolvedLimits {
  return {
    entries: limits.maxArchiveEntries ?? DEFAULT_ARCHIVE_ENTRIES,
    member: limits.maxArchiveMemberBytes ?? DEFAULT_ARCHIVE_MEMBER_BYTES,
    total: limits.maxArchiveTotalBytes ?? DEFAULT_ARCHIVE_TOTAL_BYTES,
    ratio: limits.maxInflationRatio ?? DEFAULT_INFLATION_RATIO,
  };
}

/** The original name a gzip header may carry (FNAME), else the archive's own name without its suffix. */
function gzipMemberName(bytes: Uint8Array, archivePath: string): string {
  const flags = bytes[3] ?? 0;
  let p = 10;
  if (flags & 0x04 && bytes.length >= 12) p += 2 + (bytes[10]! | (bytes[11]! << 8));
  if (flags & 0x08) {
    const end = bytes.indexOf(0, p);
    if (end > p && end - p < 1024) {
      const name = Buffer.from(bytes.subarray(p, end)).toString('latin1');
      const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
      if (base) return base;
    }
  }
  const base = archivePath.slice(Math.max(archivePath.lastIndexOf('/'), archivePath.lastIndexOf('!')) + 1);
  return base.replace(/\.(gz|gzip|z)$/i, '') || 'content';
}

/** Member names as reported: '/'-separated, without a leading './' or '/', so paths read `a.zip!dir/file`. */
function memberName(raw: string): string {
  return raw.replace(/\\/g, '/').replace(/^(?:\.\/|\/)+/, '') || '(unnamed)';
}

class LimitReached extends Error {
  constructor(readonly why: string) {
    super(why);
  }
}

function mib(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / (1024 * 1024))} MiB` : `${n} bytes`;
}

/**
 * The members of an archive as a lazy sequence. The archive is opened only when iteration starts, so a
 * container holds one inflated member at a time; `notes` and `failure` are filled in as it goes.
 */
export function archiveMembers(
  kind: ArchiveKind,
  bytes: Uint8Array,
  archivePath: string,
  limits: ExtractLimits,
  budget: ArchiveBudget,
): ContainedFiles {
  const resolved = resolve(limits);
  const notes: string[] = [];
  const files: ContainedFiles = {
    notes,
    [Symbol.asyncIterator]: () => {
      const source =
        kind === 'zip' ? zipMembers(bytes, resolved, budget, files) : gzipOrTarMembers(kind, bytes, archivePath, resolved, budget, files);
      return source[Symbol.asyncIterator]();
    },
  };
  return files;
}

/** The archive's own extraction result: no text of its own, its members to follow. */
export function extractArchive(
  kind: ArchiveKind,
  bytes: Uint8Array,
  archivePath: string,
  limits: ExtractLimits,
  budget: ArchiveBudget,
): ExtractResult {
  const format = kind === 'gzip' ? (looksLikeTarGzName(archivePath) ? 'tar.gz' : 'gzip') : kind;
  if (kind === 'zip') {
    // Read the directory now: an archive that is not one is corrupt as a whole, not an archive of nothing.
    try {
      readZipEntries(bytes, ZIP_LISTING_CEILING);
    } catch (err) {
      if (err instanceof ZipError) return failure('zip', err.reason, zipFailureMessage(err));
      return failure('zip', 'corrupt', 'zip archive could not be read');
    }
  }
  return { ok: true, format, segments: [], members: archiveMembers(kind, bytes, archivePath, limits, budget) };
}

function looksLikeTarGzName(path: string): boolean {
  return /\.(tgz|tar\.gz|taz)$/i.test(path);
}

/** ZipError messages are ours and carry sizes and counts only, never names or content. */
function zipFailureMessage(err: ZipError): string {
  return err.message;
}

function memberFailure(format: string, reason: ExtractFailure['reason'], message: string): ExtractFailure {
  return failure(format, reason, message);
}

async function* zipMembers(
  bytes: Uint8Array,
  limits: ResolvedLimits,
  budget: ArchiveBudget,
  files: ContainedFiles,
): AsyncGenerator<ContainedFile> {
  let entries: ZipEntry[];
  try {
    entries = readZipEntries(bytes, ZIP_LISTING_CEILING);
  } catch (err) {
    files.failure = failure('zip', err instanceof ZipError ? err.reason : 'corrupt', err instanceof ZipError ? err.message : 'zip archive could not be read');
    return;
  }
  let seen = 0;
  let unread = 0;
  for (const entry of entries) {
    if (entry.name.endsWith('/') || entry.name.endsWith('\\')) continue;
    seen++;
    if (seen > limits.entries) {
      unread++;
      continue;
    }
    const name = memberName(entry.name);
    const remaining = limits.total - budget.inflatedBytes;
    const ratioCap = Math.max(RATIO_FLOOR_BYTES, entry.compressedSize * limits.ratio);
    const cap = Math.min(limits.member, remaining, ratioCap);
    if (remaining <= 0) {
      yield { name, failure: memberFailure('zip', 'too-large', `archive total limit of ${mib(limits.total)} unpacked reached before this member`) };
      continue;
    }
    try {
      const data = inflateEntry(bytes, entry, Math.max(0, cap));
      budget.inflatedBytes += data.length;
      yield { name, bytes: data };
    } catch (err) {
      if (!(err instanceof ZipError)) {
        yield { name, failure: memberFailure('zip', 'corrupt', 'zip member could not be read') };
        continue;
      }
      if (err.reason === 'too-large') {
        yield { name, failure: memberFailure('zip', 'too-large', capReason(cap, limits, remaining, ratioCap)) };
      } else if (err.reason === 'encrypted') {
        yield { name, failure: memberFailure('zip', 'encrypted', 'password-protected zip member') };
      } else {
        yield { name, failure: memberFailure('zip', err.reason, err.message) };
      }
    }
  }
  if (unread > 0) files.notes.push(`${unread} members beyond the limit of ${limits.entries} entries were not read`);
}

function capReason(cap: number, limits: ResolvedLimits, remaining: number, ratioCap: number): string {
  if (cap === ratioCap && ratioCap < limits.member && ratioCap < remaining) {
    return `member inflates more than ${limits.ratio} times its compressed size (zip bomb?)`;
  }
  if (cap === remaining && remaining < limits.member) return `archive total limit of ${mib(limits.total)} unpacked reached`;
  return `member larger than the limit of ${mib(limits.member)}`;
}

/**
 * gunzip as a sequence of chunks, stopping the moment output passes `cap`: a gzip bomb costs at most one
 * slice's worth of output past the limit, never its full size.
 */
async function* gunzipChunks(bytes: Uint8Array, cap: () => number, why: () => string): AsyncGenerator<Buffer> {
  const input = Readable.from(
    (function* () {
      for (let off = 0; off < bytes.length; off += GUNZIP_SLICE) yield Buffer.from(bytes.subarray(off, off + GUNZIP_SLICE));
    })(),
  );
  const gunzip = createGunzip();
  input.pipe(gunzip);
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > cap()) throw new LimitReached(why());
      yield chunk;
    }
  } finally {
    input.unpipe(gunzip);
    input.destroy();
    gunzip.destroy();
  }
}

/** The first `n` bytes of a chunk sequence, and the sequence again from its start. */
async function peek(chunks: AsyncGenerator<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncGenerator<Buffer> }> {
  const held: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await chunks.next();
    if (next.done) {
      done = true;
      break;
    }
    held.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(held).subarray(0, n);
  const all = (async function* () {
    yield* held;
    if (!done) yield* chunks;
  })();
  return { head, all };
}

async function* gzipOrTarMembers(
  kind: 'tar' | 'gzip',
  bytes: Uint8Array,
  archivePath: string,
  limits: ResolvedLimits,
  budget: ArchiveBudget,
  files: ContainedFiles,
): AsyncGenerator<ContainedFile> {
  if (kind === 'tar') {
    yield* tarMembers(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), limits, budget, files);
    return;
  }
  const startTotal = budget.inflatedBytes;
  const ratioCap = Math.max(RATIO_FLOOR_BYTES, bytes.length * limits.ratio);
  const totalCap = () => Math.min(limits.total - startTotal, ratioCap);
  const why = () =>
    ratioCap < limits.total - startTotal
      ? `gzip data inflates more than ${limits.ratio} times its compressed size (gzip bomb?)`
      : `archive total limit of ${mib(limits.total)} unpacked reached`;
  const name = gzipMemberName(bytes, archivePath);
  let head: Buffer;
  let all: AsyncGenerator<Buffer>;
  try {
    ({ head, all } = await peek(gunzipChunks(bytes, totalCap, why), 512));
  } catch (err) {
    if (err instanceof LimitReached) yield { name, failure: memberFailure('gzip', 'too-large', err.why) };
    else files.failure = failure('gzip', 'corrupt', 'gzip data does not inflate');
    return;
  }
  if (looksLikeTar(head)) {
    yield* tarMembers(Readable.from(all), limits, budget, files);
    return;
  }
  // A single compressed file (export.csv.gz): it is the one member.
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of all) {
      size += chunk.length;
      if (size > limits.member) throw new LimitReached(`member larger than the limit of ${mib(limits.member)}`);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof LimitReached) yield { name, failure: memberFailure('gzip', 'too-large', err.why) };
    else yield { name, failure: memberFailure('gzip', 'corrupt', 'gzip data truncated or damaged') };
    return;
  }
  budget.inflatedBytes += size;
  yield { name, bytes: Buffer.concat(chunks, size) };
}

async function* tarMembers(
  source: Readable,
  limits: ResolvedLimits,
  budget: ArchiveBudget,
  files: ContainedFiles,
): AsyncGenerator<ContainedFile> {
  // Loaded with the first tar: the analyzer imports this module in every worker for its archive budget.
  const { default: tar } = await import('tar-stream');
  const extract = tar.extract();
  // Errors in the source (a gzip limit, damaged gzip data) must end the tar walk with the source's reason.
  let sourceError: unknown;
  source.on('error', (err) => {
    sourceError = err;
    extract.destroy(err);
  });
  source.pipe(extract);
  let seen = 0;
  let unread = 0;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const name = memberName(header.name);
      const type = header.type ?? 'file';
      if (type === 'directory' || type === 'pax-global-header') {
        entry.resume();
        continue;
      }
      seen++;
      if (seen > limits.entries) {
        unread++;
        entry.resume();
        continue;
      }
      if (type === 'symlink' || type === 'link') {
        entry.resume();
        yield { name, special: 'symlink' };
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        yield { name, special: 'not-regular-file' };
        continue;
      }
      const declared = header.size ?? 0;
      const remaining = limits.total - budget.inflatedBytes;
      if (declared > limits.member || declared > remaining) {
        entry.resume();
        const why = declared > limits.member ? `member larger than the limit of ${mib(limits.member)}` : `archive total limit of ${mib(limits.total)} unpacked reached`;
        yield { name, failure: memberFailure('tar', 'too-large', why) };
        continue;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        size += chunk.length;
        chunks.push(chunk);
      }
      budget.inflatedBytes += size;
      const member: ContainedFile = { name, bytes: Buffer.concat(chunks, size) };
      if (header.mtime) member.mtimeMs = header.mtime.getTime();
      yield member;
    }
  } catch (err) {
    const cause = sourceError ?? err;
    if (cause instanceof LimitReached) files.notes.push(`stopped after ${seen} members: ${cause.why}`);
    else if (seen === 0) files.failure = failure('tar', 'corrupt', 'tar data damaged or truncated');
    else files.notes.push(`tar data damaged or truncated after ${seen} members`);
  } finally {
    source.destroy();
  }
  if (unread > 0) files.notes.push(`${unread} members beyond the limit of ${limits.entries} entries were not read`);
}
