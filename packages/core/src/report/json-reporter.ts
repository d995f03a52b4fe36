import type { FileResult } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { reportFileJson } from './file-json.js';
import { StreamSink } from './stream-sink.js';

export const JSON_REPORT_VERSION = 1;

/**
 * `{ "version": 1, "files": [ … ], "summary": { … } }`, written piece by piece as files complete: the
 * document is never held in memory, and each file sits on its own line so it can still be grepped.
 */
export class JsonReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #options: ReporterOptions;
  #filesWritten = 0;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#options = options;
  }

  async file(result: FileResult): Promise<void> {
    const before = this.#filesWritten === 0 ? `{"version":${JSON_REPORT_VERSION},"files":[\n` : ',\n';
    this.#filesWritten += 1;
    // The opening joins the first piece: a small file stays one write.
    for (const piece of reportFileJson(result, this.#options, { before })) await this.#sink.write(piece);
  }

  end(summary: ScanSummary): Promise<void> {
    const files = this.#filesWritten === 0 ? `{"version":${JSON_REPORT_VERSION},"files":[` : '\n';
    return this.#sink.finish(`${files}],\n"summary":${JSON.stringify(summary)}}\n`);
  }
}
