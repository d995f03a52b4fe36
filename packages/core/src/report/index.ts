import { construct, type Reporter, type ReporterClass, type ReporterOptions, type ReportFormat } from './reporter.js';
import { JsonReporter } from './json-reporter.js';
import { JsonlReporter } from './jsonl-reporter.js';
import { TextReporter } from './text-reporter.js';
import { CsvReporter } from './csv-reporter.js';
import { SarifReporter } from './sarif-reporter.js';
import { HtmlReporter } from './html-reporter.js';

export type { Reporter, ReporterOptions, ReportFormat } from './reporter.js';
export { REPORT_FORMATS } from './reporter.js';
export { JSON_REPORT_VERSION } from './json-reporter.js';
export { SARIF_VERSION, toUri } from './sarif-reporter.js';
export { fileAnchor } from './html-reporter.js';
export { csvField } from './csv.js';
export { toReportFile, type ReportFile, type ReportFinding } from './report-record.js';
export { ProgressLine, type ProgressLineOptions } from './progress.js';
export { colorWanted, formatBytes, formatCount } from './format.js';

export { openReporter } from './open.js';

const REPORTERS: Record<ReportFormat, ReporterClass> = {
  jsonl: JsonlReporter,
  json: JsonReporter,
  text: TextReporter,
  csv: CsvReporter,
  sarif: SarifReporter,
  html: HtmlReporter,
};

export function createReporter(format: ReportFormat, out: NodeJS.WritableStream, options: ReporterOptions): Reporter {
  return construct(REPORTERS[format], out, options);
}
