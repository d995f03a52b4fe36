import type { FileResult } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { toReportFile } from './report-record.js';
import { StreamSink } from './stream-sink.js';

/** One JSON object per line as each file completes, then a `{"type":"summary"}` line. */
export class JsonlReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #options: ReporterOptions;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#options = options;
  }

  file(result: FileResult): Promise<void> {
    return this.#sink.write(JSON.stringify(toReportFile(result, this.#options)) + '\n');
  }

  end(summary: ScanSummary): Promise<void> {
    return this.#sink.finish(JSON.stringify(summary) + '\n');
  }
}
