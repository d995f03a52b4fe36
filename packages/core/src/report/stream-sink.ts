/**
 * Writes text to a stream the way a long scan needs: a write that the stream refuses to buffer waits for
 * `drain` (so a slow disk or pipe slows the scan instead of filling memory), and `finish` waits until every
 * byte has been handed to the OS, so a caller may exit or rename the file right after.
 */
export class StreamSink {
  readonly #out: NodeJS.WritableStream;
  #failure: Error | undefined;

  constructor(out: NodeJS.WritableStream) {
    this.#out = out;
    // Without a listener an EPIPE (`phi-scan … | head`) would crash the process instead of ending the scan.
    out.on('error', (error: Error) => {
      this.#failure ??= error;
    });
  }

  async write(text: string | Uint8Array): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (this.#out.write(text)) return;
    await this.#whenDrained();
  }

  /** Writes the last text and resolves once the stream has flushed it (and everything before it). */
  async finish(text: string): Promise<void> {
    if (this.#failure) throw this.#failure;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#out.once('error', onError);
      this.#out.write(text, (error?: Error | null) => {
        this.#out.removeListener('error', onError);
        if (error) reject(error);
        else resolve();
      });
    });
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
