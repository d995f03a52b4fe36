import os from 'node:os';
import { Piscina } from 'piscina';
import type { AnalysisSettings } from './analyze.js';
import { lstatListed } from './read-file.js';
import { SpareCores } from './spare-cores.js';
import type { CloseTask, TaskOutcome, WorkerTask } from './worker.js';
import type { FileEntry, FileResult } from './types.js';

/** What a pool is made with; a pool started early serves a scan that asks for the same. */
export interface PoolLimits {
  threads: number;
  workerMaxOldGenerationMb: number;
}

export interface DispatchOptions extends PoolLimits {
  fileTimeoutMs: number;
  maxFileSize: number;
  followSymlinks?: boolean;
  settings: AnalysisSettings;
  settingsId: string;
  signal?: AbortSignal;
}

/**
 * Files share a task: one task per 10 KB file costs more than scanning it, and a task costs the main thread
 * ~0.5 ms whatever it carries (1,024 tasks of one 1 MiB text each took it 1.0 s of CPU, 256 tasks of four
 * 0.6 s). At 64 files a task the main thread still spent ~0.25 ms a task and workers waited on it a fifth of
 * the time; 256 took 100,000 10 KiB files 8 % less wall time (300,000: 13 %), and 512 no less again. A
 * deadline is per file either way (see runTask); the bytes cap bounds what a crash re-runs.
 */
const BATCH_MAX_FILES = 256;
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
/** Containers, and files too big to share a task, get one of their own. */
const SOLO_FORMATS = /\.(doc|xls|zip)$/i;
/**
 * Small office documents batch too (a task per 20 KB DOCX left the workers idle half the time), but fewer to
 * a task and less of them: each costs milliseconds, so a batch of them is what another worker waits for at
 * the end of a scan. Past SLOW_SOLO_MIN_BYTES one is a task alone.
 */
const SLOW_FORMATS = /\.(pdf|docx|xlsx|xlsm)$/i;
const BATCH_MAX_SLOW_FILES = 16;
const BATCH_MAX_SLOW_BYTES = 1024 * 1024;
const SLOW_SOLO_MIN_BYTES = 256 * 1024;

/**
 * Whether a file can join a task before its size is known, so the crawl need not lstat it (CrawlOptions.
 * deferStat): size only decides a task of its own for the slow formats and containers. Any other file joins a
 * batch, and a batch ends in the worker once its files come to BATCH_MAX_BYTES (WorkerTask.maxBytes), so a
 * large one still ends its task as it would have had a task alone.
 */
export const batchesUnstated = (name: string): boolean => !SLOW_FORMATS.test(name) && !SOLO_FORMATS.test(name);
/**
 * Tasks queued per thread: with one, a worker idles while the main thread takes its results and sends the
 * next task. Deadlines start when a task starts running, not while it waits in the queue.
 */
const TASKS_PER_THREAD = 2;
/**
 * V8 lets a busy thread's young generation grow to 48 MB of mostly garbage (a cell's segment, its location):
 * capped per worker, a 600,000-finding workbook peaks 30–40 MB lower, at the same CPU time on docx and text.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Sends entries to a Piscina pool in batches and yields every entry's result. At most TASKS_PER_THREAD tasks
 * per thread are in flight. The deadline is per file: it restarts as the worker starts each file of a batch.
 * When a file runs past it or kills its worker, the rest of the batch is re-run one file per task, so only
 * the guilty file is reported and every other file is still scanned. Entries a worker gives back unscanned
 * (its batch came to BATCH_MAX_BYTES first) are batched again ahead of the listing's next.
 */
export async function* dispatch(entries: Iterable<FileEntry> | AsyncIterable<FileEntry>, options: DispatchOptions): AsyncGenerator<FileResult> {
  const pool = takeStartedPool(options) ?? createPool(options);
  const helpers = new Int32Array(new SharedArrayBuffer(4));
  const cores = { inUse: SpareCores.counter(), threads: options.threads };
  const running = new Set<Promise<void>>();
  const finished: FileResult[][] = [];
  /** Entries a task gave back unscanned (see WorkerTask.maxBytes): batched again before the listing's next. */
  const returned: FileEntry[] = [];
  /**
   * What an entry the crawl did not stat counts for in a batch's bytes: the mean file of the last batch back.
   * Without it a batch of 1 MiB files would go out 256 at a time and come back after four, again and again.
   */
  let unstatedBytes = 0;
  let wake: (() => void) | undefined;

  const start = (batch: FileEntry[]) => {
    const task = runWithRecovery(pool, batch, options, { helpers, cores }).then(({ results, rest }) => {
      running.delete(task);
      finished.push(results);
      if (rest.length) returned.push(...rest);
      if (batch.length > 1) unstatedBytes = meanFileBytes(results) ?? unstatedBytes;
      wake?.();
    });
    running.add(task);
  };
  const waitForRoom = async function* (limit: number) {
    while (running.size > limit || finished.length) {
      if (!finished.length) await new Promise<void>((resolve) => (wake = resolve));
      while (finished.length) yield* finished.shift()!;
    }
  };

  const listing = iteratorOf(entries);
  let listed = false;
  /** Every task has come back: only then are the workers idle, and each can take its close task. */
  let ranToEnd = false;
  try {
    let batch: FileEntry[] = [];
    let batchBytes = 0;
    let batchSlow = 0;
    let batchSlowBytes = 0;
    for (;;) {
      let entry: FileEntry;
      if (returned.length) {
        entry = returned.shift()!;
      } else if (!listed) {
        // Awaited only when the listing is asynchronous: a for-await over the crawl's synchronous generator made
        // a promise and a microtask turn of every entry.
        const pending = listing.next();
        const step = isPromiseLike(pending) ? await pending : pending;
        if (step.done) {
          listed = true;
          continue;
        }
        entry = step.value;
      } else {
        // The listing is done, but a task still out may give entries back.
        if (options.signal?.aborted) break;
        if (batch.length) {
          start(batch);
          batch = [];
          batchBytes = 0;
          batchSlow = 0;
          batchSlowBytes = 0;
        }
        if (!running.size && !finished.length) break;
        // Until one more task is back: the entries it gave back, if any, are next.
        yield* waitForRoom(Math.max(0, running.size - 1));
        continue;
      }
      if (options.signal?.aborted) break;
      if (entry.skip) {
        yield crawlVerdict(entry);
        continue;
      }
      const slow = SLOW_FORMATS.test(entry.path);
      if (entry.size >= (slow ? SLOW_SOLO_MIN_BYTES : BATCH_MAX_BYTES) || SOLO_FORMATS.test(entry.path)) {
        start([entry]);
      } else {
        batch.push(entry);
        batchBytes += entry.statDeferred ? unstatedBytes : entry.size;
        if (slow) {
          batchSlow++;
          batchSlowBytes += entry.size;
        }
        if (batch.length >= BATCH_MAX_FILES || batchBytes >= BATCH_MAX_BYTES || batchSlow >= BATCH_MAX_SLOW_FILES || batchSlowBytes >= BATCH_MAX_SLOW_BYTES) {
          start(batch);
          batch = [];
          batchBytes = 0;
          batchSlow = 0;
          batchSlowBytes = 0;
        }
      }
      // Only when there is a result to give or no room: an async generator started per entry is promises too.
      if (running.size >= options.threads * TASKS_PER_THREAD || finished.length) yield* waitForRoom(options.threads * TASKS_PER_THREAD - 1);
    }
    // Aborted: the tasks still out come back cut short, each file as interrupted.
    yield* waitForRoom(0);
    // Aborted, the tasks came back cut short: their workers were terminated, and the pool is starting others.
    ranToEnd = !options.signal?.aborted;
  } finally {
    // As a for-of that stops early would: the crawl closes the folder it is in.
    await listing.return?.();
    // A scan stopped early (a break, an abort) ends at once: close tasks would queue behind the tasks still
    // running, and a free worker would take two. Its workers' shells are then reaped only at the process's exit.
    if (ranToEnd && Atomics.load(helpers, 0)) await closeWorkers(pool);
    await pool.destroy();
  }
}

/** How long a worker's close task waits for the others' (see CloseTask): they are idle, so it is milliseconds. */
const CLOSE_WAIT_MS = 2_000;

/** Each worker's helper processes ended and waited for, before the pool terminates the threads. */
async function closeWorkers(pool: Piscina): Promise<void> {
  const workers = pool.threads.length;
  if (workers === 0) return;
  const task: CloseTask = { close: { arrived: new Int32Array(new SharedArrayBuffer(4)), workers, waitMs: CLOSE_WAIT_MS } };
  await Promise.allSettled(Array.from({ length: workers }, () => pool.run(task)));
}

type Listing = Iterator<FileEntry> | AsyncIterator<FileEntry>;

function iteratorOf(entries: Iterable<FileEntry> | AsyncIterable<FileEntry>): Listing {
  return Symbol.iterator in entries ? entries[Symbol.iterator]() : entries[Symbol.asyncIterator]();
}

const isPromiseLike = <T>(value: T | PromiseLike<T>): value is PromiseLike<T> => typeof (value as PromiseLike<T>).then === 'function';

/**
 * The worker heap limits a scan accepts, in MiB, as the CLI's --worker-memory. Below ~10 a worker runs out of
 * memory while it starts, before it holds a task: piscina then raised an 'error' nobody could catch, and the
 * caller's whole process ended.
 */
export const WORKER_HEAP_MB = { min: 64, max: 65_536 } as const;

/** The defaults a scan's pool gets: a thread per core, 1 GiB of old generation per worker. */
export function poolLimitsOf(options: { threads?: number; workerMaxOldGenerationMb?: number }): PoolLimits {
  const heapMb = options.workerMaxOldGenerationMb ?? 1024;
  if (!Number.isInteger(heapMb) || heapMb < WORKER_HEAP_MB.min || heapMb > WORKER_HEAP_MB.max) {
    throw new RangeError(`workerMaxOldGenerationMb must be a whole number of MiB from ${WORKER_HEAP_MB.min} to ${WORKER_HEAP_MB.max}`);
  }
  return { threads: Math.max(1, options.threads ?? os.availableParallelism()), workerMaxOldGenerationMb: heapMb };
}

function createPool(limits: PoolLimits): Piscina {
  return new Piscina({
    filename: new URL('./worker.js', import.meta.url).href,
    // Workers start as tasks need them, up to the thread count: a scan of one large file or a handful of
    // documents does not load (and hold, ~20 MB each) workers that would get nothing to do.
    minThreads: 1,
    maxThreads: limits.threads,
    // A worker, once started, lives until its scan ends the pool (closeWorkers first): one terminated for
    // idling, say beside a long file on the other thread, would leave its pdftotext shell never reaped.
    idleTimeout: Infinity,
    resourceLimits: { maxOldGenerationSizeMb: limits.workerMaxOldGenerationMb, maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
  });
}

let started: { key: string; pool: Piscina } | undefined;

const keyOf = (limits: PoolLimits) => `${limits.threads}/${limits.workerMaxOldGenerationMb}`;

/**
 * Starts the first worker of the next scan's pool now, for a caller that still has modules to load or options
 * to check: the worker's own start-up (a thread, ~150 ms of module loading) then runs beside that on another
 * core instead of after it. The next dispatch with the same limits takes the pool. The function returned
 * releases a pool no scan took.
 */
export function startWorkers(options: { threads?: number; workerMaxOldGenerationMb?: number }): () => Promise<void> {
  const limits = poolLimitsOf(options);
  if (started?.key !== keyOf(limits)) {
    void started?.pool.destroy();
    started = { key: keyOf(limits), pool: createPool(limits) };
  }
  const mine = started;
  // For a caller whose scan did not start after all (a usage error): a booting worker would hold the process.
  return async () => {
    if (started !== mine) return;
    started = undefined;
    await mine.pool.destroy();
  };
}

function takeStartedPool(limits: PoolLimits): Piscina | undefined {
  const taken = started;
  started = undefined;
  if (taken?.key === keyOf(limits)) return taken.pool;
  void taken?.pool.destroy();
  return undefined;
}

/** What a scan's tasks share with its workers (see WorkerTask). */
type Shared = Required<Pick<WorkerTask, 'helpers' | 'cores'>>;

/** A batch's results, and the entries its worker gave back unscanned (see WorkerTask.maxBytes). */
async function runWithRecovery(pool: Piscina, batch: FileEntry[], options: DispatchOptions, shared: Shared): Promise<{ results: FileResult[]; rest: FileEntry[] }> {
  const outcome = await runTask(pool, batch, options, shared);
  if (outcome.ok) return { results: outcome.results, rest: outcome.done < batch.length ? batch.slice(outcome.done) : [] };
  if (batch.length === 1) return { results: [taskFailure(batch[0]!, outcome.failure, options.fileTimeoutMs)], rest: [] };
  const results: FileResult[] = [];
  for (const [i, entry] of batch.entries()) {
    if (options.signal?.aborted) break;
    // The file that ran past its own deadline is known; giving it a second full deadline would only double
    // what a hanging file costs. A crash is re-run alone: the batch's earlier files may have used the memory.
    if (outcome.failure === 'timeout' && i === outcome.at) {
      results.push(taskFailure(entry, 'timeout', options.fileTimeoutMs));
      continue;
    }
    const single = await runTask(pool, [entry], options, shared);
    results.push(...(single.ok ? single.results : [taskFailure(entry, single.failure, options.fileTimeoutMs)]));
  }
  return { results, rest: [] };
}

/** The mean size of the files a task was given (archive members and attachments are not among them). */
function meanFileBytes(results: readonly FileResult[]): number | undefined {
  let files = 0;
  let bytes = 0;
  for (const result of results) {
    if (result.container !== undefined) continue;
    files++;
    bytes += result.bytes;
  }
  return files ? bytes / files : undefined;
}

type TaskFailure = 'timeout' | 'out-of-memory' | 'crashed' | 'aborted';

async function runTask(
  pool: Piscina,
  entries: FileEntry[],
  options: DispatchOptions,
  shared: Shared,
): Promise<({ ok: true } & TaskOutcome) | { ok: false; failure: TaskFailure; at: number }> {
  const deadline = new AbortController();
  let timedOut = false;
  const progress = new Int32Array(new SharedArrayBuffer(4));
  /** The entry the worker is on (-1 until it starts the task: queued time is not the file's), and since when. */
  let at = -1;
  let since = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const current = Atomics.load(progress, 0) - 1;
    if (current !== at) {
      // The file started at most one tick ago: its deadline may run up to a tick long, never short.
      at = current;
      since = now;
    } else if (at >= 0 && now - since >= options.fileTimeoutMs) {
      timedOut = true;
      deadline.abort();
    }
  }, deadlineTick(options.fileTimeoutMs));
  const onAbort = () => deadline.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const task: WorkerTask = {
    settingsId: options.settingsId,
    settings: options.settings,
    maxFileSize: options.maxFileSize,
    followSymlinks: options.followSymlinks,
    entries,
    ...(entries.length > 1 ? { maxBytes: BATCH_MAX_BYTES } : {}),
    progress,
    ...shared,
  };
  try {
    return { ok: true, ...((await pool.run(task, { signal: deadline.signal })) as TaskOutcome) };
  } catch (error) {
    if (timedOut) return { ok: false, failure: 'timeout', at };
    if (options.signal?.aborted) return { ok: false, failure: 'aborted', at };
    const code = (error as NodeJS.ErrnoException)?.code;
    return { ok: false, failure: code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'out-of-memory' : 'crashed', at };
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** How often a running task's progress is looked at: a deadline is kept to within a tenth, at most 250 ms. */
function deadlineTick(timeoutMs: number): number {
  return Math.max(10, Math.min(250, Math.floor(timeoutMs / 10)));
}

function taskFailure(entry: FileEntry, failure: TaskFailure, timeoutMs: number): FileResult {
  // A file the crawl did not stat: its size now, or 0 when it is gone.
  const bytes = entry.statDeferred ? (lstatListed(entry)?.size ?? 0) : entry.size;
  const base = { type: 'file' as const, path: entry.path, ...(entry.rawPath ? { rawPath: entry.rawPath } : {}), status: 'error' as const, bytes, findings: [], records: 0 };
  switch (failure) {
    case 'timeout':
      return { ...base, reason: 'timeout', message: `not finished within the per-file limit of ${Math.round(timeoutMs / 1000)} s` };
    case 'out-of-memory':
      return { ...base, reason: 'worker-crashed', message: 'the worker ran out of memory on this file; it was replaced' };
    case 'aborted':
      return { ...base, reason: 'interrupted', message: 'the scan was interrupted before this file finished' };
    default:
      return { ...base, reason: 'worker-crashed', message: 'the worker crashed on this file; it was replaced' };
  }
}

function crawlVerdict(entry: FileEntry): FileResult {
  const skip = entry.skip!;
  return {
    type: 'file',
    path: entry.path,
    ...(entry.rawPath ? { rawPath: entry.rawPath } : {}),
    status: skip.status,
    reason: skip.reason,
    message: skip.message,
    bytes: entry.size,
    findings: [],
    records: 0,
    ...(entry.mtimeMs ? { mtime: new Date(entry.mtimeMs).toISOString() } : {}),
  };
}
