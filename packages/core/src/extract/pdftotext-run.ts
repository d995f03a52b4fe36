import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Limits the child sets on itself, so they hold even when this worker is terminated on a deadline and
 * cannot kill it: CPU seconds and address space. pdftotext reads an 800-page report in about a second; a
 * file that needs more than this is pathological, is stopped, and goes to pdf.js under the worker's deadline.
 */
const PDFTOTEXT_CPU_SECONDS = 15;
const PDFTOTEXT_MEMORY_KB = 1024 * 1024;
export const LIMITS = `ulimit -t ${PDFTOTEXT_CPU_SECONDS}; ulimit -v ${PDFTOTEXT_MEMORY_KB}`;

/**
 * Where pdftotext's UTF-8 output goes as it comes, so the text of the first pages can be scanned while later
 * ones are still read. Until the run has succeeded it is provisional: `restart` says to forget it all.
 */
export interface TextReceiver {
  text(chunk: Buffer): void;
  restart(): void;
}

/** Pages `first` to `last` (1-based, both included); to the end of the document without `last`. */
export interface PageRange {
  first: number;
  last?: number;
}

/** pdftotext's (and xpdf's) options for a range: none for the whole document. */
export function pageOptions(range: PageRange | undefined): string[] {
  if (!range) return [];
  return ['-f', String(range.first), ...(range.last === undefined ? [] : ['-l', String(range.last)])];
}

/**
 * Output of a run not yet attached is held up to this much; past it its output is no longer read, so
 * pdftotext waits on its pipe instead of the worker's memory filling with a huge PDF's text.
 */
export const WAITING_MAX_BYTES = 16 * 1024 * 1024;

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/** Direct runs not yet exited and reaped, for closeDirectRuns. */
const alive = new Set<Promise<void>>();

/**
 * pdftotext started for one file (or one page range of it) as a child of this process: `sh` sets the
 * limits, then becomes pdftotext, which reads the PDF from its stdin. It starts at once; its output waits
 * (bounded) until `attach` gives it a receiver. Settles true when it cleanly succeeded, false for a non-zero
 * exit, any complaint on stderr (a damaged file), or more than maxBytes of output.
 */
export class DirectRun {
  private readonly child: Child | undefined;
  private receiver: TextReceiver | undefined;
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  private size = 0;
  private complained = false;
  private tooLong = false;
  readonly outcome: Promise<boolean>;

  constructor(executable: string, bytes: Uint8Array, maxBytes: number, range?: PageRange, onExit?: () => void) {
    let settle!: (ok: boolean) => void;
    this.outcome = new Promise((resolve) => (settle = resolve));
    let child: Child;
    try {
      child = spawn('/bin/sh', ['-c', `${LIMITS}; exec "$0" -enc UTF-8 "$@" - -`, executable, ...pageOptions(range)], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch {
      settle(false);
      onExit?.();
      return;
    }
    this.child = child;
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      settle(ok);
    };
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    alive.add(exited);
    void exited.then(() => {
      alive.delete(exited);
      onExit?.();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (this.tooLong) return;
      this.size += chunk.length;
      if (this.size > maxBytes) {
        // Settled on 'close', once the child has been reaped, as every run that started is.
        this.tooLong = true;
        child.kill('SIGKILL');
        return;
      }
      if (this.receiver) return this.receiver.text(chunk);
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      if (this.waitingBytes > WAITING_MAX_BYTES) child.stdout.pause();
    });
    child.stderr.on('data', () => {
      this.complained = true;
    });
    child.on('error', () => finish(false));
    child.on('close', (code) => finish(code === 0 && !this.complained && !this.tooLong));
    child.stdin.on('error', () => finish(false));
    child.stdin.end(bytes);
  }

  /** The output so far, and the rest as it comes, to the receiver; resolves as the class says. At most once. */
  attach(receiver: TextReceiver): Promise<boolean> {
    if (this.receiver) throw new Error('pdftotext output attached twice');
    this.receiver = receiver;
    for (const chunk of this.waiting) receiver.text(chunk);
    this.waiting = [];
    this.waitingBytes = 0;
    if (this.child?.stdout.isPaused()) this.child.stdout.resume();
    return this.outcome;
  }

  /** Not wanted: ended now, its output dropped. */
  kill(): void {
    this.receiver ??= DISCARD;
    this.waiting = [];
    this.child?.kill('SIGKILL');
    this.child?.stdout.resume();
  }
}

export const DISCARD: TextReceiver = { text() {}, restart() {} };

/** The whole file through a child of its own. */
export function runAlone(executable: string, bytes: Uint8Array, maxBytes: number, receiver: TextReceiver): Promise<boolean> {
  return new DirectRun(executable, bytes, maxBytes).attach(receiver);
}

/** Whether a direct run of this thread has not exited and been reaped yet. */
export function directRunsAlive(): boolean {
  return alive.size > 0;
}

/** Waits until every direct run this thread started has exited and been reaped. */
export async function closeDirectRuns(): Promise<void> {
  await Promise.all(alive);
}
