import { Buffer } from 'node:buffer';

/**
 * What a tick's writes are joined into before the stream sees them: a scan reports a worker's whole batch
 * (up to 256 small files) in one tick, and a Writable's own bookkeeping per write() (queueing, callbacks, a
 * writev of many small chunks) cost the main thread more than the bytes did.
 */
const COALESCE_BYTES = 64 * 1024;

/**
 * Writes text to a stream the way a long scan needs: a write that the stream refuses to buffer waits for
 * `drain` (so a slow disk or pipe slows the scan instead of filling memory), and `finish` waits until every
 * byte has been handed to the OS, so a caller may exit or rename the file right after. Writes of one tick go
 * to the stream as one chunk at the end of it (or sooner, past COALESCE_BYTES): a reader of a pipe sees each
 * line as soon as before, give or take the rest of the tick.
 */
export class StreamSink {
  readonly #out: NodeJS.WritableStream;
  #failure: Error | undefined;
  #pending: (string | Uint8Array)[] = [];
  #pendingLength = 0;
  #flushScheduled = false;

  constructor(out: NodeJS.WritableStream) {
    this.#out = out;
    // Without a listener an EPIPE (`phi-scan … | head`) would crash the process instead of ending the scan.
    out.on('error', (error: Error) => {
      this.#failure ??= error;
    });
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength >= COALESCE_BYTES) {
      if (!this.#flush()) await this.#whenDrained();
      return;
    }
    // The stream is over its high-water mark from earlier flushes: wait, as a refused write would.
    if ((this.#out as { writableNeedDrain?: boolean }).writableNeedDrain) await this.#whenDrained();
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        if (!this.#failure) this.#flush();
      });
    }
  }

  /** Writes the last text and resolves once the stream has flushed it (and everything before it). */
  async finish(text: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#pending.push(text);
    const chunk = this.#take();
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#out.once('error', onError);
      this.#out.write(chunk, (error?: Error | null) => {
        this.#out.removeListener('error', onError);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Hands what is pending to the stream; false when the stream asks to wait for `drain`. */
  #flush(): boolean {
    if (this.#pending.length === 0) return true;
    return this.#out.write(this.#take());
  }

  #take(): string | Uint8Array {
    const pieces = this.#pending;
    this.#pending = [];
    this.#pendingLength = 0;
    if (pieces.length === 1) return pieces[0]!;
    if (pieces.every((piece) => typeof piece === 'string')) return pieces.join('');
    return Buffer.concat(pieces.map((piece) => (typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece)));
  }

  #whenDrained(): Promise<void> {
    const out = this.#out;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        out.removeListener('drain', onDrain);
        out.removeListener('error', onError);
        out.removeListener('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => settle();
      const onError = (error: Error) => settle(error);
      const onClose = () => settle(new Error('the report output closed before the report was written'));
      out.once('drain', onDrain);
      out.once('error', onError);
      out.once('close', onClose);
    });
  }
}
