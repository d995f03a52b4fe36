import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, mkdtempSync, openSync, rmSync, write, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { keepReadBytes } from '../read-file.js';
import type { SpareCores } from '../spare-cores.js';
import { closeDirectRuns, DirectRun, directRunsAlive, DISCARD, LIMITS, pageOptions, runAlone, WAITING_MAX_BYTES, type PageRange, type TextReceiver } from './pdftotext-run.js';
import { maxRangesFor, pdfinfoBeside, startInRanges, type RangedRun } from './pdftotext-split.js';

export type { TextReceiver } from './pdftotext-run.js';

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

let spareCores: SpareCores | undefined;

/** The cores of the scan this thread works for, which a long PDF may borrow (see SpareCores); none outside one. */
export function usePdftotextCores(cores: SpareCores | undefined): void {
  spareCores = cores;
}

/**
 * Starts pdftotext on the PDF now, queued behind the shell's earlier runs; `deliver` gives its output to a
 * receiver and resolves true when it cleanly succeeded, false for a non-zero exit, any complaint on stderr (a
 * damaged file), or more than maxBytes of output. Files go through the worker's pdftotext shell (below);
 * whatever that does not answer with a clean success is run once more on its own, so every verdict other
 * than success is the one a pdftotext started for that file alone gives. A long PDF is read in page ranges
 * at once when the scan has cores to spare (see pdftotext-split.ts).
 */
export function startPdftotext(executable: string, bytes: Uint8Array, maxBytes: number): PendingPdftotext {
  // The shell's FIFO is written from libuv's thread pool, and may still be after the file's scan has ended.
  keepReadBytes(bytes);
  return startInParts(executable, bytes, maxBytes) ?? startWhole(executable, bytes, maxBytes);
}

function startWhole(executable: string, bytes: Uint8Array, maxBytes: number): PendingPdftotext {
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

/** Undefined when the file is read in one go: it is short, the scan has no core to spare, or no pdfinfo counts its pages. */
function startInParts(executable: string, bytes: Uint8Array, maxBytes: number): PendingPdftotext | undefined {
  const cores = spareCores;
  const wanted = maxRangesFor(bytes.length) - 1;
  if (!cores || wanted <= 0) return undefined;
  const borrowed = cores.borrow(wanted);
  if (borrowed === 0) return undefined;
  const pdfinfo = pdfinfoBeside(executable);
  if (!pdfinfo) {
    cores.free(borrowed);
    return undefined;
  }
  const firstRange = (range: PageRange) => {
    const queued = shellFor(executable)?.submit(bytes, maxBytes, range);
    if (queued) return { attach: (receiver: TextReceiver) => queued.attach(receiver), drop: () => void queued.attach(DISCARD) };
    const alone = new DirectRun(executable, bytes, maxBytes, range);
    return { attach: (receiver: TextReceiver) => alone.attach(receiver), drop: () => alone.kill() };
  };
  const planned: Promise<RangedRun | PendingPdftotext> = startInRanges(executable, pdfinfo, bytes, maxBytes, cores, borrowed, firstRange).then(
    (ranged) => ranged ?? startWhole(executable, bytes, maxBytes),
  );
  let delivered = false;
  return {
    async deliver(receiver) {
      if (delivered) throw new Error('pdftotext output delivered twice');
      delivered = true;
      return (await planned).deliver(receiver);
    },
    drop() {
      if (delivered) return;
      delivered = true;
      void planned.then((run) => run.drop());
    },
  };
}

/**
 * One long-lived `sh` per worker that starts pdftotext for each PDF. A fork copies the page tables of the
 * process that forks and blocks its thread until the child has exec'd: from a scan worker (well over 100 MB
 * resident) that took ~3.7 ms a file, a third of what pdftotext itself needs for a short PDF. The shell is
 * a few hundred KB, so its forks are cheap, and the worker only writes and reads pipes.
 *
 * pdftotext reads its input up to its end, so each run needs an input of its own: a few FIFOs in a private
 * directory, made by the shell when it starts. Per file it reads a line `TOKEN SLOT [PAGES]` and runs
 * pdftotext under the limits (on those pages only when the line names them, as `-f N -l M` in digits this side
 * wrote) on FIFO SLOT, which this side fills with the PDF; its text goes to the shell's stdout,
 * then the shell prints `\nTOKEN STATUS` there and `\nTOKEN\n` on stderr, so whatever else came on stderr
 * before that line is a complaint about this file. The token is random per file, so no text in a PDF can
 * forge the end of its output. Requests may be written before the runs ahead of them are done: the shell
 * reads the next only when it has finished the one before. One fork per file, as many as a pdftotext started
 * by xargs takes: a `head` cutting the shell's own input into files, and the subshell that caught its
 * complaints, cost ~0.6 s of CPU on 300 short PDFs (~15% of pdftotext's own).
 *
 * The shell opens a FIFO read-write before it opens it to read: a plain read-only open would wait for a
 * writer, and for a short PDF this side may have written all of it and closed its end already (the data
 * stays in the FIFO while this side holds a read end, which it does until the run's end line). The shell
 * removes its FIFOs when it ends, also on the SIGPIPE of its next line once this process has gone.
 */
const FIFO_SLOTS = 4;
/** What a FIFO holds before a write waits for its reader: Linux's default pipe buffer is 64 KiB. */
const FIFO_BUFFER_BYTES = 64 * 1024;
const SLOT_PATHS = Array.from({ length: FIFO_SLOTS }, (_, slot) => `"$1/${slot}"`).join(' ');
// When this side closes the shell it has removed the FIFOs first: the test is a builtin, so an exit then forks nothing.
const SHELL_SCRIPT = `trap '[ -d "$1" ] && { rm -f ${SLOT_PATHS}; rmdir "$1"; }' EXIT
trap 'exit 1' HUP INT PIPE TERM
mkfifo ${SLOT_PATHS} || exit 1
printf '\\nready\\n' >&2
while read -r token slot pages; do
  exec 5<>"$1/$slot" 4<"$1/$slot" 5>&-
  ( ${LIMITS}; exec "$0" -enc UTF-8 $pages - - ) <&4 4<&-
  status=$?
  exec 4<&-
  printf '\\n%s %s\\n' "$token" "$status"
  printf '\\n%s\\n' "$token" >&2
done`;

type ShellChild = ChildProcessByStdio<Writable, Readable, Readable>;

/** `\n`, 32 hex digits, a space, a status of at most 10 characters, `\n`. */
const END_LINE_MAX = 64;

interface Job {
  token: string;
  /** pdftotext's page options for a range, or '' for the whole file. */
  pages: string;
  /** `\n`, the token and a space: how the shell's end line for this run starts. */
  marker: Buffer;
  /** The PDF, until it is handed to the shell. */
  bytes: Uint8Array | undefined;
  maxBytes: number;
  /** Bytes of output so far. */
  size: number;
  /** Where its output goes; until it is attached, the output waits in `waiting`. */
  receiver: TextReceiver | undefined;
  waiting: Buffer[];
  /** The FIFO its PDF goes through, and this side's two ends of it while the run is on. */
  slot: number;
  reader: number | undefined;
  writer: number | undefined;
  /** A write to the FIFO is under way; `afterWrite` runs when it has returned and the write end is closed. */
  writing: boolean;
  afterWrite: (() => void) | undefined;
  /** The exit status from its end line, once read. */
  status: string | undefined;
  /** Its line on stderr came; `complained` when anything else came there first. */
  errorLineRead: boolean;
  complained: boolean;
  /** Settles once both lines are read, or the shell is lost. */
  outcome: Promise<boolean>;
  settle: (ok: boolean) => void;
}

/** A run whose output is waiting for its receiver. */
interface QueuedRun {
  attach(receiver: TextReceiver): Promise<boolean>;
}

/** What the shell prints on stderr once its FIFOs exist; it stands first in `errorLines`. */
const READY = 'ready';

class PdftotextShell {
  private child: ShellChild | undefined;
  /** Every shell started and not yet exited and reaped: `close` waits for them all. */
  private exits = new Set<Promise<void>>();
  /** The private directory of the current shell's FIFOs. */
  private dir = '';
  /** FIFOs no run is using. Empty until the shell is ready. */
  private free: number[] = [];
  /** Runs asked for that wait for a free FIFO, in the order asked. */
  private queued: Job[] = [];
  /** Runs handed to the current shell whose end line has not come yet, in the order asked: the shell reads its requests in order from one pipe. */
  private running: Job[] = [];
  /** The lines still to come on stderr, in order: READY, then a job for each run handed to the shell. */
  private errorLines: (Job | typeof READY)[] = [];
  private errorText = '';
  /** The last bytes received, not yet passed on: they may be the start of an end line. */
  private held: Buffer = Buffer.alloc(0);
  private waitingBytes = 0;

  constructor(private readonly executable: string) {}

  /** Undefined when no shell could be started (the caller then runs the file alone). */
  submit(bytes: Uint8Array, maxBytes: number, range?: PageRange): QueuedRun | undefined {
    let child: ShellChild;
    try {
      child = this.child ?? this.start();
    } catch {
      return undefined;
    }
    const token = randomBytes(16).toString('hex');
    let settle!: (ok: boolean) => void;
    const outcome = new Promise<boolean>((resolve) => (settle = resolve));
    const job: Job = {
      token,
      pages: pageOptions(range).join(' '),
      marker: Buffer.from(`\n${token} `, 'latin1'),
      bytes,
      maxBytes,
      size: 0,
      receiver: undefined,
      waiting: [],
      slot: -1,
      reader: undefined,
      writer: undefined,
      writing: false,
      afterWrite: undefined,
      status: undefined,
      errorLineRead: false,
      complained: false,
      outcome,
      settle,
    };
    this.queued.push(job);
    handles(child).forEach((handle) => handle.ref?.());
    this.dispatch();
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
    const dir = mkdtempSync(join(tmpdir(), 'phi-scan-pdftotext-'));
    let child: ShellChild;
    try {
      child = spawn('/bin/sh', ['-c', SHELL_SCRIPT, this.executable, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    this.child = child;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    this.exits.add(exited);
    void exited.then(() => this.exits.delete(exited));
    this.dir = dir;
    this.free = [];
    this.errorLines = [READY];
    this.errorText = '';
    this.held = Buffer.alloc(0);
    child.stdout.on('data', (chunk: Buffer) => this.received(chunk));
    child.stderr.on('data', (chunk: Buffer) => this.receivedError(chunk));
    child.stdin.on('error', () => this.lose(child));
    child.on('error', () => this.lose(child));
    child.on('close', () => this.lose(child));
    return child;
  }

  /** Hands queued runs to the shell while FIFOs are free: the request line, then the PDF into its FIFO. */
  private dispatch(): void {
    const child = this.child;
    while (child && this.free.length > 0 && this.queued.length > 0) {
      const job = this.queued.shift()!;
      job.slot = this.free.pop()!;
      try {
        this.openInput(job);
      } catch {
        this.closeInput(job, () => {});
        this.queued.unshift(job);
        return this.lose(child);
      }
      this.running.push(job);
      this.errorLines.push(job);
      child.stdin.write(`${job.token} ${job.slot}${job.pages ? ` ${job.pages}` : ''}\n`);
      this.feed(job);
    }
  }

  /**
   * This side's two ends of the FIFO. The read end first, without waiting, so the write end opens at once,
   * and so what is written stays in the FIFO until pdftotext reads it.
   */
  private openInput(job: Job): void {
    const path = join(this.dir, String(job.slot));
    job.reader = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    job.writer = openSync(path, fsConstants.O_WRONLY);
  }

  /**
   * Writes the PDF into its FIFO (on libuv's thread pool) and closes the write end, which is pdftotext's end
   * of input. A short PDF fits in the FIFO's buffer, so it is written at once, however many runs are ahead
   * of it; a longer one only once its run is the shell's current one, so that its write, which waits for
   * pdftotext to read, holds a pool thread no longer than pdftotext takes to read its input.
   */
  private feed(job: Job | undefined): void {
    const bytes = job?.bytes;
    if (!job || !bytes || job.writer === undefined) return;
    if (bytes.length > FIFO_BUFFER_BYTES && job !== this.running[0]) return;
    job.bytes = undefined;
    job.writing = true;
    writeAll(job.writer, bytes, () => {
      job.writing = false;
      if (job.writer !== undefined) closeSync(job.writer);
      job.writer = undefined;
      const after = job.afterWrite;
      job.afterWrite = undefined;
      after?.();
    });
  }

  /**
   * Closes this side's ends of the run's FIFO; `then` when both are closed: a FIFO keeps what is left in
   * it while anything holds it open, and that would be read by the next run of the same FIFO. The read end
   * goes first: a write still waiting is waiting for a pdftotext that has gone, and with no reader left it
   * fails and returns.
   */
  private closeInput(job: Job, then: () => void): void {
    job.bytes = undefined;
    if (job.reader !== undefined) closeSync(job.reader);
    job.reader = undefined;
    if (job.writing) {
      job.afterWrite = then;
      return;
    }
    if (job.writer !== undefined) closeSync(job.writer);
    job.writer = undefined;
    then();
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
      this.running.shift();
      job.status = data.toString('latin1', at + job.marker.length, lineEnd);
      this.finished(job);
      this.feed(this.running[0]);
      data = data.subarray(lineEnd + 1);
    }
  }

  /** pdftotext has exited: its FIFO is free again once this side's ends of it are closed. */
  private finished(job: Job): void {
    const child = this.child;
    this.closeInput(job, () => {
      if (this.child !== child) return;
      this.free.push(job.slot);
      this.dispatch();
    });
    this.settleIfRead(job);
  }

  /**
   * stderr carries pdftotext's complaints and, after each run, the shell's line for it. Text that is not the
   * next expected line (nor may yet become it) is a complaint about that run; it is not kept.
   */
  private receivedError(chunk: Buffer): void {
    this.errorText += chunk.toString('latin1');
    for (;;) {
      const next = this.errorLines[0];
      if (next === undefined) {
        this.errorText = '';
        return;
      }
      const line = `\n${next === READY ? READY : next.token}\n`;
      const at = this.errorText.indexOf(line);
      if (at < 0) {
        if (!line.startsWith(this.errorText)) {
          if (next !== READY) next.complained = true;
          this.errorText = this.errorText.slice(-(line.length - 1));
        }
        return;
      }
      this.errorText = this.errorText.slice(at + line.length);
      this.errorLines.shift();
      if (next === READY) {
        this.free = Array.from({ length: FIFO_SLOTS }, (_, slot) => slot);
        this.dispatch();
        continue;
      }
      if (at > 0) next.complained = true;
      next.errorLineRead = true;
      this.settleIfRead(next);
    }
  }

  private settleIfRead(job: Job): void {
    if (job.status === undefined || !job.errorLineRead) return;
    job.settle(job.status === '0' && !job.complained);
    if (this.running.length === 0 && this.queued.length === 0 && this.errorLines.length === 0) this.idle();
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

  /**
   * Kills the shell (pdftotext, under its own limits, dies on its next write), removes its FIFOs and gives
   * up on its runs, the queued ones too.
   */
  private lose(child: ShellChild | undefined): void {
    if (!child || child !== this.child) return;
    this.child = undefined;
    child.kill('SIGKILL');
    child.stdin.destroy();
    child.stdout.destroy();
    child.stderr.destroy();
    const lost = [...this.running, ...this.queued];
    this.running = [];
    this.queued = [];
    this.errorLines = [];
    this.errorText = '';
    this.free = [];
    this.held = Buffer.alloc(0);
    for (const job of lost) {
      this.closeInput(job, () => {});
      this.waitingBytes -= job.waiting.reduce((sum, chunk) => sum + chunk.length, 0);
      job.waiting = [];
      job.settle(false);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A shell is running, or has not been reaped yet. */
  get started(): boolean {
    return this.child !== undefined || this.exits.size > 0;
  }

  /**
   * Ends the shell and waits until it has exited and been reaped; for when no extraction is under way. A run
   * still going is taken for one nobody waits for (a prefetch that was dropped): the shell is killed then, not
   * waited for, and a caller still waiting runs its file alone. The next `submit` starts a new shell.
   */
  async close(): Promise<void> {
    const child = this.child;
    if (child) {
      handles(child).forEach((handle) => handle.ref?.());
      if (this.running.length > 0 || this.queued.length > 0) {
        this.lose(child);
      } else {
        this.child = undefined;
        rmSync(this.dir, { recursive: true, force: true });
        child.stdin.end();
      }
    }
    await Promise.all(this.exits);
  }

  /** Between files the shell must not keep the process (a library user's script) alive. */
  private idle(): void {
    if (this.child) handles(this.child).forEach((handle) => handle.unref?.());
  }
}

/** Writes all of it to a blocking descriptor; `done` when written, or on the first error. */
function writeAll(fd: number, bytes: Uint8Array, done: () => void, from = 0): void {
  if (from >= bytes.length) return done();
  write(fd, bytes, from, bytes.length - from, null, (err, written) => (err ? done() : writeAll(fd, bytes, done, from + written)));
}

interface Referenced {
  ref?(): unknown;
  unref?(): unknown;
}

/** The shell process and its pipes (sockets underneath): each keeps the event loop alive while referenced. */
function handles(child: ShellChild): Referenced[] {
  return [child, child.stdin as Referenced, child.stdout as Referenced, child.stderr as Referenced];
}

let shells: Map<string, PdftotextShell> | null | undefined;

/**
 * Ends the pdftotext shells this thread started and waits for them to exit. Each worker calls it when its
 * scan has run to the end (see CloseTask): a child not waited for before its thread is terminated stays a
 * zombie for as long as the process lives (two a scan for a library user's long-running process), and its
 * pdftotext runs' CPU is then nobody's, so `time phi-scan` left it out.
 */
export async function closePdftotextShells(): Promise<void> {
  await Promise.all([...(shells?.values() ?? [])].map((shell) => shell.close()));
  await closeDirectRuns();
}

/** Whether this thread has a pdftotext shell, or a pdftotext of its own still running, that `closePdftotextShells` would wait for. */
export function pdftotextShellsStarted(): boolean {
  return [...(shells?.values() ?? [])].some((shell) => shell.started) || directRunsAlive();
}

function shellFor(executable: string): PdftotextShell | undefined {
  if (shells === undefined) shells = findOnPath('mkfifo') ? new Map() : null;
  if (!shells) return undefined;
  let shell = shells.get(executable);
  if (!shell) shells.set(executable, (shell = new PdftotextShell(executable)));
  return shell;
}
