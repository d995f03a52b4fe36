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
 * A pdftotext run asked for ahead of its file's turn: the worker's shell starts it as soon as the runs asked
 * for before it are done, while the worker is still busy with the files before it, so at one thread a PDF
 * set keeps one pdftotext running at all times instead of pausing it for each file's detection and reading.
 * Its output waits (bounded: see PdftotextShell) until `deliver` gives it a receiver.
 */
export interface PendingPdftotext {
  /** The output to the receiver; resolves as startPdftotext says. At most once. */
  deliver(receiver: TextReceiver): Promise<boolean>;
  /** Not wanted after all (the file turned out not to be read by pdftotext): its output is dropped. */
  drop(): void;
}

/**
 * Starts pdftotext on the PDF now, queued behind the shell's earlier runs; `deliver` gives its output to a
 * receiver and resolves true when it cleanly succeeded, false for a non-zero exit, any complaint on stderr (a
 * damaged file), or more than maxBytes of output. Files go through the worker's pdftotext shell (below);
 * whatever that does not answer with a clean success is run once more on its own, so every verdict other
 * than success is the one a pdftotext started for that file alone gives.
 */
export function startPdftotext(executable: string, bytes: Uint8Array, maxBytes: number): PendingPdftotext {
  const queued = shellFor(executable)?.submit(bytes, maxBytes);
  let delivered = false;
  return {
    async deliver(receiver) {
      if (delivered) throw new Error('pdftotext output delivered twice');
      delivered = true;
      if (queued && (await queued.attach(receiver))) return true;
      if (queued) receiver.restart();
      return runAlone(executable, bytes, maxBytes, receiver);
    },
    drop() {
      if (delivered) return;
      delivered = true;
      queued?.attach(DISCARD);
    },
  };
}

const DISCARD: TextReceiver = { text() {}, restart() {} };

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
 * or from `head` (a short read), makes the status "complained". Requests may be written before the runs
 * ahead of them are done: the shell reads the next only when it has finished the one before.
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
  /** `\n`, the token and a space: how the shell's end line for this run starts. */
  marker: Buffer;
  maxBytes: number;
  /** Bytes of output so far. */
  size: number;
  /** Where its output goes; until it is attached, the output waits in `waiting`. */
  receiver: TextReceiver | undefined;
  waiting: Buffer[];
  /** Settles once its end line is read, or the shell is lost. */
  outcome: Promise<boolean>;
  settle: (ok: boolean) => void;
}

/** A run whose output is waiting for its receiver. */
interface QueuedRun {
  attach(receiver: TextReceiver): Promise<boolean>;
}

/**
 * Output of runs not yet attached is held up to this much; past it the shell's output is no longer read, so
 * the shell waits (pdftotext blocks on its pipe) instead of the worker's memory filling with a huge PDF's text.
 */
const WAITING_MAX_BYTES = 16 * 1024 * 1024;

class PdftotextShell {
  private child: ShellChild | undefined;
  /** Runs asked of the current shell whose end line has not come yet, in the order asked: the shell reads its requests in order from one pipe. */
  private running: Job[] = [];
  /** The last bytes received, not yet passed on: they may be the start of an end line. */
  private held: Buffer = Buffer.alloc(0);
  private waitingBytes = 0;

  constructor(private readonly executable: string) {}

  /** Undefined when no shell could be started (the caller then runs the file alone). */
  submit(bytes: Uint8Array, maxBytes: number): QueuedRun | undefined {
    let child: ShellChild;
    try {
      child = this.child ?? this.start();
    } catch {
      return undefined;
    }
    const token = randomBytes(16).toString('hex');
    let settle!: (ok: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    const job: Job = { token, marker: Buffer.from(`\n${token} `, 'latin1'), maxBytes, size: 0, receiver: undefined, waiting: [], outcome, settle };
    this.running.push(job);
    handles(child).forEach((handle) => handle.ref?.());
    child.stdin.write(`${bytes.length} ${token}\n`);
    child.stdin.write(bytes);
    return { attach: (receiver) => this.attach(job, receiver) };
  }

  private attach(job: Job, receiver: TextReceiver): Promise<boolean> {
    job.receiver = receiver;
    const waiting = job.waiting;
    job.waiting = [];
    for (const chunk of waiting) {
      this.waitingBytes -= chunk.length;
      receiver.text(chunk);
    }
    this.flow();
    return job.outcome;
  }

  private start(): ShellChild {
    const child = spawn('/bin/sh', ['-c', SHELL_SCRIPT, this.executable], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child = child;
    this.held = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => this.received(chunk));
    child.stdin.on('error', () => this.lose(child));
    child.on('error', () => this.lose(child));
    child.on('close', () => this.lose(child));
    return child;
  }

  /** Output arrives for the runs in the order they were asked for; each ends with its own end line. */
  private received(chunk: Buffer): void {
    let data = this.held.length > 0 ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    while (data.length > 0) {
      const job = this.running[0];
      // Output no run asked for: the shell is not in step with this side any more.
      if (!job) return this.lose(this.child);
      const at = data.indexOf(job.marker);
      if (at < 0) {
        // The end line may begin in the last bytes: hold them back until the next chunk says.
        const keep = Math.min(data.length, END_LINE_MAX);
        if (!this.output(job, data.subarray(0, data.length - keep))) return;
        this.held = Buffer.from(data.subarray(data.length - keep));
        return;
      }
      if (!this.output(job, data.subarray(0, at))) return;
      const lineEnd = data.indexOf(0x0a, at + job.marker.length);
      if (lineEnd < 0) {
        if (data.length - at > END_LINE_MAX) return this.lose(this.child);
        this.held = Buffer.from(data.subarray(at));
        return;
      }
      const status = data.toString('latin1', at + job.marker.length, lineEnd);
      this.running.shift();
      if (status !== '0') {
        // Its input may have been left half read: the next file gets a fresh shell.
        job.settle(false);
        return this.lose(this.child);
      }
      job.settle(true);
      data = data.subarray(lineEnd + 1);
    }
    if (this.running.length === 0) this.idle();
  }

  /** False when the run went past its limit, which ends the shell. */
  private output(job: Job, text: Buffer): boolean {
    if (text.length === 0) return true;
    job.size += text.length;
    if (job.size > job.maxBytes) {
      this.lose(this.child);
      return false;
    }
    if (job.receiver) {
      job.receiver.text(text);
      return true;
    }
    job.waiting.push(text);
    this.waitingBytes += text.length;
    this.flow();
    return true;
  }

  /**
   * Stops reading while too much output waits for nobody, but never while a run queued behind it has its
   * receiver: that one (a PDF inside an archive, say) is being waited for, and would wait forever.
   */
  private flow(): void {
    const stdout = this.child?.stdout;
    if (!stdout) return;
    if (this.waitingBytes > WAITING_MAX_BYTES && !this.running.some((job) => job.receiver)) stdout.pause();
    else if (stdout.isPaused()) stdout.resume();
  }

  /** Kills the shell (pdftotext, under its own limits, dies on its next write) and gives up on its runs. */
  private lose(child: ShellChild | undefined): void {
    if (!child || child !== this.child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    // head then reads an end of input, and pdftotext's next write fails.
    child.stdin.destroy();
    child.stdout.destroy();
    const lost = this.running;
    this.running = [];
    this.held = Buffer.alloc(0);
    for (const job of lost) {
      this.waitingBytes -= job.waiting.reduce((sum, chunk) => sum + chunk.length, 0);
      job.waiting = [];
      job.settle(false);
    }
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
