/**
 * The cores a scan was given (--threads), counted across its workers in shared memory: a worker holds one
 * while it runs a task, and a worker with a file that can use more at once (a long PDF, read by pdftotext
 * in page ranges) borrows only cores no one holds. So a scan never runs more of its own processes than its
 * thread count: --threads 1 stays one core, and two workers each on a long PDF do not start four pdftotexts
 * on two cores.
 *
 * A worker terminated mid-task (a timeout, a crash) never gives its cores back, and the rest of the scan
 * then borrows fewer: it can only run with less parallelism than it was given, never with more.
 */
export class SpareCores {
  constructor(
    private readonly inUse: Int32Array,
    private readonly total: number,
  ) {}

  /** The counter a scan's workers share. */
  static counter(): Int32Array {
    return new Int32Array(new SharedArrayBuffer(4));
  }

  /** A worker starts a task. */
  hold(): void {
    Atomics.add(this.inUse, 0, 1);
  }

  /** Up to `wanted` cores no one holds, now held by the caller; how many it got. */
  borrow(wanted: number): number {
    for (;;) {
      const held = Atomics.load(this.inUse, 0);
      const taken = Math.min(wanted, this.total - held);
      if (taken <= 0) return 0;
      if (Atomics.compareExchange(this.inUse, 0, held, held + taken) === held) return taken;
    }
  }

  /** Gives back cores held or borrowed. */
  free(count = 1): void {
    if (count > 0) Atomics.sub(this.inUse, 0, count);
  }
}
