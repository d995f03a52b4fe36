import fs from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import type { FileEntry } from './types.js';

export interface CrawlOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  maxFileSize: number;
  followSymlinks?: boolean;
  signal?: AbortSignal;
}

/**
 * Streams every entry under the roots as a FileEntry, one at a time: the crawl never holds the file list.
 * Entries it will not scan still come out, marked with why (symlink, FIFO, too large, unreadable folder), so
 * the report can account for everything the crawl saw.
 */
export async function* crawl(roots: readonly string[], options: CrawlOptions): AsyncGenerator<FileEntry> {
  for (const root of roots) {
    if (options.signal?.aborted) return;
    yield* crawlRoot(root, options);
  }
}

async function* crawlRoot(root: string, options: CrawlOptions): AsyncGenerator<FileEntry> {
  let rootStats: fs.Stats;
  try {
    rootStats = await fs.promises.lstat(root);
    if (rootStats.isSymbolicLink() && options.followSymlinks) rootStats = await fs.promises.stat(root);
  } catch (error) {
    yield unreadableEntry(root, error);
    return;
  }
  if (!rootStats.isDirectory()) {
    yield toEntry(root, rootStats, options);
    return;
  }

  // fast-glob drops folders it cannot read without a word; wrapping readdir lets the crawl report them.
  const unreadableDirs: FileEntry[] = [];
  const readdir = ((dir: string, opts: unknown, callback: (error: NodeJS.ErrnoException | null, entries?: unknown) => void) => {
    fs.readdir(dir, opts as fs.ObjectEncodingOptions & { withFileTypes: true }, (error, entries) => {
      if (error && error.code !== 'ENOENT' && error.code !== 'ENOTDIR') {
        unreadableDirs.push(unreadableEntry(dir, error));
        callback(null, []);
        return;
      }
      callback(error, entries);
    });
  }) as unknown as typeof fs.readdir;

  const stream = fg.stream(options.include?.length ? [...options.include] : ['**'], {
    cwd: root,
    dot: true,
    onlyFiles: false,
    stats: true,
    followSymbolicLinks: options.followSymlinks ?? false,
    ignore: options.exclude ? [...options.exclude] : [],
    suppressErrors: true,
    unique: true,
    fs: { readdir },
  });
  try {
    for await (const raw of stream) {
      if (options.signal?.aborted) break;
      while (unreadableDirs.length) yield unreadableDirs.shift()!;
      const item = raw as unknown as { path: string; stats?: fs.Stats; dirent: fs.Dirent };
      const fullPath = path.join(root, item.path);
      if (item.dirent.isDirectory()) continue;
      let stats = item.stats;
      if (!stats) {
        try {
          stats = await fs.promises.lstat(fullPath);
        } catch (error) {
          yield unreadableEntry(fullPath, error);
          continue;
        }
      }
      if (stats.isDirectory()) continue;
      yield toEntry(fullPath, stats, options);
    }
  } finally {
    (stream as unknown as { destroy(): void }).destroy();
  }
  while (unreadableDirs.length) yield unreadableDirs.shift()!;
}

function toEntry(filePath: string, stats: fs.Stats, options: CrawlOptions): FileEntry {
  const entry: FileEntry = {
    path: filePath,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
    mode: stats.mode,
    uid: stats.uid,
    gid: stats.gid,
  };
  if (stats.isSymbolicLink()) {
    entry.skip = { status: 'skipped', reason: 'symlink', message: 'symbolic link not followed (use --follow-symlinks)' };
  } else if (!stats.isFile()) {
    entry.skip = { status: 'skipped', reason: 'not-regular-file', message: `not a regular file (${describeType(stats)})` };
  } else if (stats.size > options.maxFileSize) {
    entry.skip = { status: 'skipped', reason: 'too-large', message: `file is ${stats.size} bytes, over the ${options.maxFileSize}-byte limit` };
  }
  return entry;
}

function unreadableEntry(filePath: string, error: unknown): FileEntry {
  const code = (error as NodeJS.ErrnoException)?.code;
  const denied = code === 'EACCES' || code === 'EPERM';
  return {
    path: filePath,
    size: 0,
    mtimeMs: 0,
    mode: 0,
    uid: -1,
    gid: -1,
    skip: {
      status: 'error',
      reason: denied ? 'permission-denied' : code === 'ENOENT' ? 'not-found' : 'read-error',
      message: denied ? 'permission denied' : code === 'ENOENT' ? 'path does not exist' : `cannot read (${code ?? 'unknown error'})`,
    },
  };
}

function describeType(stats: fs.Stats): string {
  if (stats.isFIFO()) return 'FIFO';
  if (stats.isSocket()) return 'socket';
  if (stats.isCharacterDevice()) return 'character device';
  if (stats.isBlockDevice()) return 'block device';
  return 'special file';
}
