import { construct, type Reporter, type ReporterClass, type ReporterOptions, type ReportFormat } from './reporter.js';

/**
 * createReporter for a program that writes one format: only that format's module is loaded (the other five,
 * HTML's styles and SARIF's rules among them, cost the main thread ~9 ms to load).
 */
const LOADERS: Record<ReportFormat, () => Promise<ReporterClass>> = {
  jsonl: async () => (await import('./jsonl-reporter.js')).JsonlReporter,
  json: async () => (await import('./json-reporter.js')).JsonReporter,
  text: async () => (await import('./text-reporter.js')).TextReporter,
  csv: async () => (await import('./csv-reporter.js')).CsvReporter,
  sarif: async () => (await import('./sarif-reporter.js')).SarifReporter,
  html: async () => (await import('./html-reporter.js')).HtmlReporter,
};

export async function openReporter(format: ReportFormat, out: NodeJS.WritableStream, options: ReporterOptions): Promise<Reporter> {
  return construct(await LOADERS[format](), out, options);
}
