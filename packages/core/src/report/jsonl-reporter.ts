import type { FileResult } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { reportFileJson } from './file-json.js';
import { StreamSink } from './stream-sink.js';

/** One JSON object per line as each file completes, then a `{"type":"summary"}` line. */
export class JsonlReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #options: ReporterOptions;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#options = options;
  }

  /** A file with many findings is written in pieces, so its line is never one string in memory. */
  async file(result: FileResult): Promise<void> {
    for (const piece of reportFileJson(result, this.#options, { after: '\n' })) await this.#sink.write(piece);
  }

  end(summary: ScanSummary): Promise<void> {
    return this.#sink.finish(JSON.stringify(summary) + '\n');
  }
}
