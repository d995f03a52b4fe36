import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** The executable of that name in the first PATH directory that has one. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), fsConstants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Limits the child sets on itself, so they hold even when this worker is terminated on a deadline and
 * cannot kill it: CPU seconds and address space. pdftotext reads an 800-page report in about a second; a
 * file that needs more than this is pathological, is stopped, and goes to pdf.js under the worker's deadline.
 */
const PDFTOTEXT_CPU_SECONDS = 15;
const PDFTOTEXT_MEMORY_KB = 1024 * 1024;
const LIMITS = `ulimit -t ${PDFTOTEXT_CPU_SECONDS}; ulimit -v ${PDFTOTEXT_MEMORY_KB}`;

/**
 * Where pdftotext's UTF-8 output goes as it comes, so the text of the first pages can be scanned while later
 * ones are still read. Until the run has succeeded it is provisional: `restart` says to forget it all.
 */
export interface TextReceiver {
  text(chunk: Buffer): void;
  restart(): void;
}

/**
 * Runs pdftotext on the PDF, its output to the receiver; true when it cleanly succeeded, false for a
 * non-zero exit, any complaint on stderr (a damaged file), or more than maxBytes of output. Files go through
 * the worker's pdftotext shell (below); whatever that does not answer with a clean success is run once more
 * on its own, so every verdict other than success is the one a pdftotext started for that file alone gives.
 */
export async function runPdftotext(executable: string, bytes: Uint8Array, maxBytes: number, receiver: TextReceiver): Promise<boolean> {
  const shell = shellFor(executable);
  if (shell) {
    if (await shell.run(bytes, maxBytes, receiver)) return true;
    receiver.restart();
  }
  return runAlone(executable, bytes, maxBytes, receiver);
}

/** A child of this process for the one file: `sh` sets the limits, then becomes pdftotext. */
function runAlone(executable: string, bytes: Uint8Array, maxBytes: number, receiver: TextReceiver): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', `${LIMITS}; exec "$0" -enc UTF-8 - -`, executable], { stdio: ['pipe', 'pipe', 'pipe'] });
    let size = 0;
    let complained = false;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      resolve(ok);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        child.kill('SIGKILL');
        finish(false);
        return;
      }
      receiver.text(chunk);
    });
    child.stderr.on('data', () => {
      complained = true;
    });
    child.on('error', () => finish(false));
    child.on('close', (code) => finish(code === 0 && !complained));
    child.stdin.on('error', () => finish(false));
    child.stdin.end(bytes);
  });
}

/**
 * One long-lived `sh` per worker that starts pdftotext for each PDF. A fork copies the page tables of the
 * process that forks and blocks its thread until the child has exec'd: from a scan worker (well over 100 MB
 * resident) that took ~3.7 ms a file, a third of what pdftotext itself needs for a short PDF. The shell is
 * a few hundred KB, so its forks are cheap, and the worker only writes and reads pipes.
 *
 * Per file it reads a line `SIZE TOKEN`, hands exactly SIZE bytes of its input to pdftotext through `head`
 * (under the same limits), lets pdftotext write to its own output, then prints `TOKEN STATUS`. The token is
 * random per file, so no text in a PDF can forge the end of its output. Anything on stderr, from pdftotext
 * or from `head` (a short read), makes the status "complained".
 */
const SHELL_SCRIPT = `exec 3>&1
while read -r size token; do
  complaint=$( ${LIMITS}; { { head -c "$size" || echo short-input >&2; } | "$0" -enc UTF-8 - - >&3 3>&-; } 2>&1 )
  status=$?
  [ -n "$complaint" ] && status=complained
  printf '\\n%s %s\\n' "$token" "$status"
done`;

type ShellChild = ChildProcessByStdio<Writable, Readable, null>;

/** `\n`, 32 hex digits, a space, a status of at most 10 characters, `\n`. */
const END_LINE_MAX = 64;

interface Job {
  token: string;
  maxBytes: number;
  receiver: TextReceiver;
  /** The last bytes received, not yet passed on: they may be the end line. */
  held: Buffer;
  size: number;
  resolve: (ok: boolean) => void;
}

class PdftotextShell {
  private child: ShellChild | undefined;
  private job: Job | undefined;
  /** One file at a time: the shell reads its requests in order from one pipe. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly executable: string) {}

  /** True on a clean success; false for anything else (the caller then runs the file alone). */
  run(bytes: Uint8Array, maxBytes: number, receiver: TextReceiver): Promise<boolean> {
    const next = this.queue.then(() => this.runNow(bytes, maxBytes, receiver));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private runNow(bytes: Uint8Array, maxBytes: number, receiver: TextReceiver): Promise<boolean> {
    return new Promise((resolve) => {
      let child: ShellChild;
      try {
        child = this.child ?? this.start();
      } catch {
        resolve(false);
        return;
      }
      const token = randomBytes(16).toString('hex');
      this.job = { token, maxBytes, receiver, held: Buffer.alloc(0), size: 0, resolve };
      handles(child).forEach((handle) => handle.ref?.());
      child.stdin.write(`${bytes.length} ${token}\n`);
      child.stdin.write(bytes);
    });
  }

  private start(): ShellChild {
    const child = spawn('/bin/sh', ['-c', SHELL_SCRIPT, this.executable], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.received(chunk));
    child.stdin.on('error', () => this.lose(child));
    child.on('error', () => this.lose(child));
    child.on('close', () => this.lose(child));
    return child;
  }

  private received(chunk: Buffer): void {
    const job = this.job;
    if (!job) return this.lose(this.child);
    job.size += chunk.length;
    // The end line is under 64 bytes; past the limit by more, the output is over it: stop the file.
    if (job.size > job.maxBytes + END_LINE_MAX) return this.lose(this.child);
    const data = job.held.length > 0 ? Buffer.concat([job.held, chunk]) : chunk;
    if (data.length > END_LINE_MAX) job.receiver.text(data.subarray(0, data.length - END_LINE_MAX));
    job.held = Buffer.from(data.subarray(Math.max(0, data.length - END_LINE_MAX)));
    const held = job.held;
    if (held[held.length - 1] !== 0x0a) return;
    const at = held.lastIndexOf(`\n${job.token} `, held.length - 2);
    if (at < 0) return;
    const status = held.toString('latin1', at + 1 + job.token.length + 1, held.length - 1);
    const textEnd = job.size - held.length + at;
    this.job = undefined;
    this.idle();
    if (status !== '0' || textEnd > job.maxBytes) {
      // Its input may have been left half read: the next file gets a fresh shell.
      this.lose(this.child);
      job.resolve(false);
      return;
    }
    if (at > 0) job.receiver.text(held.subarray(0, at));
    job.resolve(true);
  }

  /** Kills the shell (pdftotext, under its own limits, dies on its next write) and gives up on its file. */
  private lose(child: ShellChild | undefined): void {
    if (!child || child !== this.child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    // head then reads an end of input, and pdftotext's next write fails.
    child.stdin.destroy();
    child.stdout.destroy();
    const job = this.job;
    this.job = undefined;
    job?.resolve(false);
  }

  /** Between files the shell must not keep the process (a library user's script) alive. */
  private idle(): void {
    if (this.child) handles(this.child).forEach((handle) => handle.unref?.());
  }
}

interface Referenced {
  ref?(): unknown;
  unref?(): unknown;
}

/** The shell process and its pipes (sockets underneath): each keeps the event loop alive while referenced. */
function handles(child: ShellChild): Referenced[] {
  return [child, child.stdin as Referenced, child.stdout as Referenced];
}

let shells: Map<string, PdftotextShell> | null | undefined;

function shellFor(executable: string): PdftotextShell | undefined {
  if (shells === undefined) shells = findOnPath('head') ? new Map() : null;
  if (!shells) return undefined;
  let shell = shells.get(executable);
  if (!shell) shells.set(executable, (shell = new PdftotextShell(executable)));
  return shell;
}
