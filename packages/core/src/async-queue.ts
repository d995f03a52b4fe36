/**
 * A single-consumer queue between the dispatcher (producer) and the scan's async iterator (consumer). The
 * producer awaits `push` so that a slow consumer (a reporter writing to a slow disk) slows the crawl down
 * instead of letting results pile up in memory.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private readonly waitingConsumers: ((value: IteratorResult<T>) => void)[] = [];
  private readonly waitingProducers: (() => void)[] = [];
  private closed = false;
  private failure: unknown;

  constructor(private readonly highWaterMark = 256) {}

  async push(item: T): Promise<void> {
    const consumer = this.waitingConsumers.shift();
    if (consumer) {
      consumer({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.items.length >= this.highWaterMark) await new Promise<void>((resolve) => this.waitingProducers.push(resolve));
  }

  close(failure?: unknown): void {
    this.closed = true;
    this.failure = failure;
    for (const consumer of this.waitingConsumers.splice(0)) consumer({ value: undefined, done: true });
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.items.length) {
      const value = this.items.shift()!;
      this.waitingProducers.shift()?.();
      return { value, done: false };
    }
    if (this.closed) {
      if (this.failure) throw this.failure;
      return { value: undefined, done: true };
    }
    return new Promise((resolve) => this.waitingConsumers.push(resolve));
  }
}
