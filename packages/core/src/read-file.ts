import fs from 'node:fs';
import type { ErrorReason, SkipReason } from './types.js';

export type ReadOutcome =
  | { ok: true; bytes: Buffer }
  | { ok: false; status: 'skipped' | 'error'; reason: SkipReason | ErrorReason; message: string };

/**
 * Reads a whole file the crawl listed, re-checking what may have changed since: it may be gone, grown past
 * the limit, or replaced by a FIFO (opened non-blocking so a FIFO cannot stall a worker).
 */
export async function readListedFile(filePath: string, maxFileSize: number): Promise<ReadOutcome> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(filePath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, status: 'skipped', reason: 'not-regular-file', message: 'no longer a regular file' };
    if (stats.size > maxFileSize) {
      return { ok: false, status: 'skipped', reason: 'too-large', message: `file is ${stats.size} bytes, over the ${maxFileSize}-byte limit` };
    }
    const bytes = await handle.readFile();
    if (bytes.length > maxFileSize) {
      return { ok: false, status: 'skipped', reason: 'too-large', message: `file grew past the ${maxFileSize}-byte limit while being read` };
    }
    return { ok: true, bytes };
  } catch (error) {
    return { ok: false, status: 'error', ...describeReadError(error) };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function describeReadError(error: unknown): { reason: ErrorReason; message: string } {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return { reason: 'vanished', message: 'file disappeared between listing and reading' };
  if (code === 'EACCES' || code === 'EPERM') return { reason: 'permission-denied', message: 'permission denied' };
  return { reason: 'read-error', message: `read failed (${code ?? 'unknown error'})` };
}
