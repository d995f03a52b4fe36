import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from './usage-error.js';

/** Where the report goes. `commit` makes it visible; `discard` makes sure no partial report is left. */
export interface ReportOutput {
  stream: NodeJS.WritableStream;
  /** A human-readable place for messages: the file path, or undefined for stdout. */
  path: string | undefined;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export function stdoutReportOutput(stdout: NodeJS.WritableStream): ReportOutput {
  return { stream: stdout, path: undefined, commit: async () => {}, discard: async () => {} };
}

/**
 * The report is PHI itself (it names the files that hold PHI, and raw values with --reveal): it is created
 * readable by its owner only, and written to a temporary file beside the target then renamed over it, so a
 * run that dies half-way never leaves a truncated report where the last good one was.
 */
export async function openReportFile(target: string): Promise<ReportOutput> {
  // Through a symlink, the report replaces what the link points at, not the link.
  const path = await realpath(resolve(target)).catch(() => resolve(target));
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`--output ${target} is a folder; give a file name`);
  // A device or FIFO (`-o /dev/null`, a pipe) is written in place: renaming a file over it would replace
  // /dev/null itself with a regular file when run as root.
  if (existing && !existing.isFile()) return openInPlace(path, target);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle: FileHandle;
  try {
    handle = await open(temporary, 'wx', 0o600);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${target}: ${describeFsError(error)}`);
  }
  const stream: Writable = handle.createWriteStream();
  let settled = false;
  return {
    stream,
    path: target,
    async commit() {
      if (settled) return;
      settled = true;
      // The reporter has waited for its last write, so syncing now covers the whole report; then the stream
      // closes the handle (a FileHandle cannot be closed while its stream still holds it).
      await handle.sync();
      await new Promise<void>((done, fail) => {
        stream.once('error', fail);
        stream.once('close', () => done());
        stream.end();
      });
      await rename(temporary, path);
    },
    async discard() {
      if (settled) return;
      settled = true;
      if (!stream.closed) {
        await new Promise<void>((done) => {
          stream.once('close', () => done());
          stream.destroy();
        });
      }
      await unlink(temporary).catch(() => {});
    },
  };
}

async function openInPlace(path: string, target: string): Promise<ReportOutput> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'w');
  } catch (error) {
    throw new UsageError(`cannot write the report to ${target}: ${describeFsError(error)}`);
  }
  const stream: Writable = handle.createWriteStream();
  const close = (end: boolean) =>
    new Promise<void>((done) => {
      if (stream.closed) return done();
      stream.once('close', () => done());
      if (end) stream.end();
      else stream.destroy();
    });
  return { stream, path: target, commit: () => close(true), discard: () => close(false) };
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}
