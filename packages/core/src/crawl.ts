import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import { sizeRefusal } from './read-file.js';
import type { FileEntry } from './types.js';

export interface CrawlOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** See ScanOptions.ignorePath. */
  ignorePath?: (relativePath: string) => boolean;
  maxFileSize: number;
  followSymlinks?: boolean;
  signal?: AbortSignal;
  /**
   * Regular files whose name this accepts come out without an lstat, marked `statDeferred`: for a caller that
   * opens and fstats every file anyway, the crawl's lstat was a second syscall per file (~8 µs of a 10 KB
   * file's ~130 µs of CPU). Only a folder's own listing says the name is a regular file (its d_type), so a
   * symlink, a FIFO, a folder, or a file system that does not say, is still lstat'ed as always.
   */
  deferStat?: (name: string) => boolean;
}

/**
 * Streams every entry under the roots as a FileEntry, one at a time: the crawl never holds the file list.
 * Entries it will not scan still come out, marked with why (symlink, FIFO, too large, unreadable folder), so
 * the report can account for everything the crawl saw; a file it was told not to stat (deferStat) is too
 * large only once its reader has seen its size.
 *
 * A walker of its own rather than fast-glob: fast-glob silently drops names with a newline, decodes names
 * that are not UTF-8 into paths that no longer open, and ends the whole stream on a path too long to stat.
 * Here directories are read with Buffer names, so every name reaches the report.
 */
export async function* crawl(roots: readonly string[], options: CrawlOptions): AsyncGenerator<FileEntry> {
  yield* await openCrawl(roots, options);
}

/**
 * The same walk as a synchronous generator, for the scan's own loop: each step of an async generator is
 * promises and ticks, and the three the crawl was nested in cost the main thread ~1.5 µs an entry. Only
 * loading the glob library is asynchronous, so it happens here, before the first entry.
 */
export async function openCrawl(roots: readonly string[], options: CrawlOptions): Promise<Generator<FileEntry>> {
  // The glob library (~8 ms to load) only for a scan that has globs.
  const picomatch = options.include?.length || options.exclude?.length ? (await import('picomatch')).default : undefined;
  const include = picomatch && options.include?.length ? picomatch([...options.include], { dot: true }) : undefined;
  const globs = picomatch && options.exclude?.length ? picomatch([...options.exclude], { dot: true }) : undefined;
  const { ignorePath } = options;
  const exclude = globs && ignorePath ? (relative: string) => globs(relative) || ignorePath(relative) : (globs ?? ignorePath);
  return walkRoots(roots, options, include, exclude);
}

function* walkRoots(roots: readonly string[], options: CrawlOptions, include: Matcher | undefined, exclude: Matcher | undefined): Generator<FileEntry> {
  for (const root of roots) {
    if (options.signal?.aborted) return;
    yield* crawlRoot(root, options, include, exclude);
  }
}

type Matcher = (relative: string) => boolean;

function* crawlRoot(root: string, options: CrawlOptions, include: Matcher | undefined, exclude: Matcher | undefined): Generator<FileEntry> {
  let rootStats: fs.Stats;
  try {
    // Synchronous as every lstat of the walk is (see walkDirectory).
    rootStats = fs.lstatSync(root);
    if (rootStats.isSymbolicLink() && options.followSymlinks) rootStats = fs.statSync(root);
  } catch (error) {
    yield unreadableEntry(root, error);
    return;
  }
  if (!rootStats.isDirectory()) {
    yield toEntry(root, rootStats, options);
    return;
  }
  const walk: Walk = { options, include, exclude, ancestors: new Set([directoryKey(rootStats)]) };
  // As path.join would: 'share/' and './share' name their files 'share/x'.
  const normalised = path.normalize(root);
  const dir = Buffer.from(normalised.length > 1 && normalised.endsWith(path.sep) ? normalised.slice(0, -1) : normalised);
  yield* walkDirectory(walk, { bytes: dir, text: dir.toString('utf8') }, '');
}

interface Walk {
  options: CrawlOptions;
  include: Matcher | undefined;
  exclude: Matcher | undefined;
  /** Directories on the path from the root to here (dev:ino), to stop symlink loops when following links. */
  ancestors: Set<string>;
}

const directoryKey = (stats: fs.Stats): string => `${stats.dev}:${stats.ino}`;

/**
 * A path as the walk holds it: its bytes (names need not be UTF-8) and, when they are UTF-8, its text. The
 * text of a folder's entry is then the folder's text and the name's, and no path is decoded twice; only a
 * path that is not UTF-8 goes through displayName (whose escapes are of the whole path).
 */
interface WalkPath {
  bytes: Buffer;
  text: string | undefined;
}

const shownPath = (at: WalkPath): string => at.text ?? displayName(at.bytes);

/** The bytes an entry keeps to open its file: only when its path is not UTF-8, which its text only spells. */
const rawBytes = (at: WalkPath): Buffer | undefined => (at.text === undefined ? at.bytes : undefined);

/** Names read from a folder per call: a large folder is never listed into memory whole. */
const LIST_BATCH = 64;

/**
 * Walks one folder with synchronous calls. The async calls cost more than the work: each lstat went through
 * libuv's four shared threads, which on a 2-core machine wait behind the scan workers for a core (crawling
 * 20,000 files took ~4 s of a 11 s scan, the main thread waiting), while lstatSync of a cached inode takes a few
 * microseconds. Entries are still yielded one at a time, so the walk stays lazy and an abort stops it between
 * any two names.
 */
function* walkDirectory(walk: Walk, dir: WalkPath, relative: string): Generator<FileEntry> {
  let handle: fs.Dir;
  try {
    handle = fs.opendirSync(dir.bytes as unknown as string, { encoding: 'buffer' as BufferEncoding, bufferSize: LIST_BATCH });
  } catch (error) {
    yield unreadableEntry(shownPath(dir), error, rawBytes(dir));
    return;
  }
  const joint = dir.bytes.length > 0 && dir.bytes[dir.bytes.length - 1] === SEPARATOR[0] ? '' : path.sep;
  try {
    for (let dirent = handle.readSync(); dirent !== null; dirent = handle.readSync()) {
      if (walk.options.signal?.aborted) return;
      const name = dirent.name as unknown as Buffer;
      const nameText = isUtf8(name) ? name.toString('utf8') : undefined;
      const shown = nameText ?? displayName(name);
      const rel = relative ? `${relative}/${shown}` : shown;
      if (walk.exclude?.(rel)) continue;
      const text = dir.text !== undefined && nameText !== undefined ? dir.text + joint + nameText : undefined;
      if (walk.options.deferStat && dirent.isFile() && walk.options.deferStat(shown)) {
        if (walk.include && !walk.include(rel)) continue;
        // Nothing here opens the file: its bytes are joined only for a path that its text cannot spell.
        const raw = text === undefined ? joinedPath(dir.bytes, joint, name) : undefined;
        yield unstatedEntry(text ?? displayName(raw!), raw);
        continue;
      }
      const full = { bytes: joinedPath(dir.bytes, joint, name), text };
      const found = visit(walk, full, rel);
      if (typeof found !== 'string') {
        if (found) yield found;
        continue;
      }
      walk.ancestors.add(found);
      try {
        yield* walkDirectory(walk, full, rel);
      } finally {
        walk.ancestors.delete(found);
      }
    }
  } catch (error) {
    // A folder that fails part-way through its listing (removed, I/O error) is reported, and the walk goes on.
    yield unreadableEntry(shownPath(dir), error, rawBytes(dir));
  } finally {
    try {
      handle.closeSync();
    } catch {
      // already closed by a failed read
    }
  }
}

/**
 * What one name of a folder is: its entry, nothing (left out by the globs), or the dev:ino key of a folder to
 * walk into. A plain function, not a generator: one generator made and resumed per file cost the walk more
 * than the decision.
 */
function visit(walk: Walk, full: WalkPath, rel: string): FileEntry | string | undefined {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(full.bytes as unknown as string);
  } catch (error) {
    return !walk.include || walk.include(rel) ? unreadableEntry(shownPath(full), error, rawBytes(full)) : undefined;
  }
  if (stats.isSymbolicLink() && walk.options.followSymlinks) {
    const followed = followLink(full.bytes);
    if ('skip' in followed) {
      return !walk.include || walk.include(rel) ? { ...toEntry(shownPath(full), stats, walk.options, rawBytes(full)), skip: followed.skip } : undefined;
    }
    stats = followed.stats;
  }
  if (stats.isDirectory()) {
    if (walk.exclude?.(`${rel}/`)) return undefined;
    const key = directoryKey(stats);
    if (walk.ancestors.has(key)) return { ...toEntry(shownPath(full), stats, walk.options, rawBytes(full)), skip: LINK_LOOP };
    return key;
  }
  if (walk.include && !walk.include(rel)) return undefined;
  return toEntry(shownPath(full), stats, walk.options, rawBytes(full));
}

const SEPARATOR = Buffer.from(path.sep);

const joinedPath = (dir: Buffer, joint: string, name: Buffer): Buffer => (joint ? Buffer.concat([dir, SEPARATOR, name]) : Buffer.concat([dir, name]));

const LINK_LOOP: NonNullable<FileEntry['skip']> = {
  status: 'skipped',
  reason: 'symlink',
  message: 'symbolic link to a folder that contains it (a loop); not followed',
};

function followLink(full: Buffer): { stats: fs.Stats } | { skip: NonNullable<FileEntry['skip']> } {
  try {
    return { stats: fs.statSync(full as unknown as string) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException)?.code;
    const message =
      code === 'ELOOP' ? 'symbolic link loop; not followed' : code === 'ENOENT' ? 'dangling symbolic link (its target does not exist)' : `symbolic link target cannot be read (${code ?? 'unknown error'})`;
    return { skip: { status: 'skipped', reason: 'symlink', message } };
  }
}

/**
 * A name as text. Names that are not UTF-8 (Latin-1 from an old Samba share, say) would otherwise come out
 * with U+FFFD and could not be told apart or opened again: each byte of an invalid sequence is written
 * `\xNN` and each backslash doubled, which is reversible; the entry keeps the raw bytes to open the file.
 */
export function displayName(name: Buffer): string {
  if (isUtf8(name)) return name.toString('utf8');
  let out = '';
  let i = 0;
  while (i < name.length) {
    const length = utf8SequenceLength(name, i);
    if (length > 0) {
      const text = name.subarray(i, i + length).toString('utf8');
      out += text === '\\' ? '\\\\' : text;
      i += length;
    } else {
      out += `\\x${name[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
      i += 1;
    }
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `at`, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Buffer, at: number): number {
  const lead = bytes[at]!;
  const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (length <= 1 || at + length > bytes.length) return length === 1 ? 1 : 0;
  return isUtf8(bytes.subarray(at, at + length)) ? length : 0;
}

/** `raw`: the path's bytes when they are not UTF-8 (see rawBytes). */
function toEntry(filePath: string, stats: fs.Stats, options: CrawlOptions, raw?: Buffer): FileEntry {
  const entry: FileEntry = {
    path: filePath,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
  };
  if (raw) entry.rawPath = raw.toString('base64');
  if (stats.isSymbolicLink()) {
    entry.skip = { status: 'skipped', reason: 'symlink', message: 'symbolic link not followed (use --follow-symlinks)' };
  } else if (!stats.isFile()) {
    entry.skip = { status: 'skipped', reason: 'not-regular-file', message: `not a regular file (${describeType(stats)})` };
  } else {
    const refusal = sizeRefusal(stats.size, options.maxFileSize);
    if (refusal) entry.skip = { status: 'skipped', reason: 'too-large', message: refusal };
  }
  return entry;
}

/** `raw`: the path's bytes when they are not UTF-8 (see rawBytes). */
function unstatedEntry(filePath: string, raw: Buffer | undefined): FileEntry {
  const entry: FileEntry = { path: filePath, size: 0, mtimeMs: 0, mode: 0, uid: -1, gid: -1, statDeferred: true };
  if (raw) entry.rawPath = raw.toString('base64');
  return entry;
}

function unreadableEntry(filePath: string, error: unknown, raw?: Buffer): FileEntry {
  const code = (error as NodeJS.ErrnoException)?.code;
  const denied = code === 'EACCES' || code === 'EPERM';
  const entry: FileEntry = {
    path: filePath,
    size: 0,
    mtimeMs: 0,
    mode: 0,
    uid: -1,
    gid: -1,
    skip: {
      status: 'error',
      reason: denied ? 'permission-denied' : code === 'ENOENT' ? 'not-found' : 'read-error',
      message: denied
        ? 'permission denied'
        : code === 'ENOENT'
          ? 'path does not exist'
          : code === 'ENAMETOOLONG'
            ? 'path is longer than the system allows (ENAMETOOLONG)'
            : `cannot read (${code ?? 'unknown error'})`,
    },
  };
  if (raw) entry.rawPath = raw.toString('base64');
  return entry;
}

function describeType(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}
