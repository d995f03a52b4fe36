/**
 * What a program that drives scans needs on its own thread: the pooled scan, the crawl, reporters (each format
 * loaded when opened), summaries and exposure. The package index adds the side that detects and extracts (scanText, extractText, …), which
 * only the workers run; importing this entry instead keeps that weight (~90 ms of module loading: detector
 * tables, parsers) off the main thread.
 */
export * from './types.js';
export * from './scan-types.js';
export { scan, DEFAULT_MAX_FILE_SIZE, DEFAULT_FILE_TIMEOUT_MS } from './scan-roots.js';
export { crawl, type CrawlOptions } from './crawl.js';
export { MAX_READ_BYTES } from './read-file.js';
export { findingCount, findingCountsByDetector } from './file-findings.js';
export { REPORT_FORMATS, type Reporter, type ReporterOptions, type ReportFormat } from './report/reporter.js';
export { openReporter } from './report/open.js';
export { colorWanted, formatBytes, formatCount } from './report/format.js';
export { ProgressLine, type ProgressLineOptions } from './report/progress.js';
export { toReportFile, type ReportFile, type ReportFinding } from './report/report-record.js';
export * from './summary.js';
export { ScanStats, type StageTimings } from './stats.js';
export * from './exposure/index.js';
