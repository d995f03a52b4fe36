// Cold-cache runs: the set's files must come from the disk, not from the page cache. Dropping the whole cache
// needs root and a writable /proc/sys, which a container or a sandbox often refuses. Any user can still ask the
// kernel to drop the cached pages of files they can open (posix_fadvise POSIX_FADV_DONTNEED, the call behind
// `dd iflag=nocache`); Node has no binding for it, Python's standard library does, so one python3 process
// evicts a whole set.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFiles } from './files.mjs';

/** Dropping the page cache needs root and a writable /proc/sys; a container often refuses it. */
export function dropPageCache() {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
    return true;
  } catch {
    return false;
  }
}

// Paths come NUL-separated on stdin. A file that cannot be opened is a failure: its pages would stay cached.
const EVICT_SCRIPT = `
import os, sys
failed = 0
for name in sys.stdin.buffer.read().split(b'\\0'):
    if not name:
        continue
    try:
        fd = os.open(name, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
    except OSError:
        failed += 1
sys.exit(1 if failed else 0)
`;

/** Asks the kernel to drop the cached pages of these files; false when it could not be asked for every one. */
export function evictFiles(files) {
  const out = spawnSync('python3', ['-c', EVICT_SCRIPT], { input: Buffer.from(files.map((f) => `${f}\0`).join('')), stdio: ['pipe', 'ignore', 'ignore'] });
  return out.status === 0;
}

/**
 * Bytes of the file in the page cache, from util-linux's fincore; undefined where there is no fincore. Dirty
 * pages are not dropped by the advice, so a file just written must be synced first (the corpus is, long before).
 */
export function residentBytes(file) {
  const out = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  if (out.status !== 0) return undefined;
  const bytes = Number(out.stdout.trim());
  return Number.isFinite(bytes) ? bytes : undefined;
}

/**
 * How a cold run gets a cold cache here: 'drop-caches' (the whole page cache), 'evict-files' (the set's own
 * files, checked to work on a probe file), or null (warm runs only).
 */
export function coldCacheMethod() {
  if (dropPageCache()) return 'drop-caches';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-bench-evict-'));
  try {
    const probe = path.join(dir, 'probe');
    fs.writeFileSync(probe, Buffer.alloc(1 << 20, 0x61));
    const fd = fs.openSync(probe, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.readFileSync(probe);
    if (!evictFiles([probe])) return null;
    const left = residentBytes(probe);
    // Without fincore the advice is taken at its word: the call itself succeeded.
    return left === undefined || left < 1 << 19 ? 'evict-files' : null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Makes `dir`'s files cold by the method coldCacheMethod chose; false when that failed this time. */
export function makeCold(method, dir) {
  if (method === 'drop-caches') return dropPageCache();
  if (method === 'evict-files') return evictFiles(listFiles(dir));
  return false;
}

/** How the report says cold runs were made, or why there are none. */
export function describeColdMethod(method) {
  if (method === 'drop-caches') return 'yes (page cache dropped before each cold run)';
  if (method === 'evict-files') {
    return "yes (the set's files evicted from the page cache before each cold run with posix_fadvise DONTNEED; drop_caches refused; the tools' own code stays cached)";
  }
  return 'no (drop_caches refused, and no python3 to evict the files): warm only';
}
