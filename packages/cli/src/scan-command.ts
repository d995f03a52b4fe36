import { stat } from 'node:fs/promises';
import os from 'node:os';
import {
  colorWanted,
  openReporter,
  scan,
  ExposureAssessor,
  formatCount,
  MAX_READ_BYTES,
  ProgressLine,
  ScanStats,
  SummaryBuilder,
  type ReportFormat,
  type ScanOptions,
  type ScanSummary,
} from '@phi-scan/core/main';
import type { Confidence } from '@phi-scan/detectors';
import { say, type CliContext } from './context.js';
import type { ReportingOptions } from './extra-options.js';
import { fingerprintKeyFrom } from './fingerprint-key.js';
import { loadResultFilters, type ResultFilters } from './result-filters.js';
import { VERSION } from './version.js';
import { describeFsError, openReportFile, stdoutReportOutput, type ReportOutput } from './report-output.js';
import { UsageError } from './usage-error.js';

/** The scan command's options as commander parsed them (values already validated by option-values). */
export interface ScanCommandOptions extends ReportingOptions {
  format: ReportFormat;
  output?: string;
  reveal?: boolean;
  threads?: number;
  include?: string[];
  exclude?: string[];
  maxFileSize?: number;
  minConfidence: Confidence;
  timeout?: number;
  workerMemory?: number;
  followSymlinks?: boolean;
  mrnPattern?: string[];
  detectors?: string[];
  explain?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  fingerprintKey?: string;
  stats?: boolean;
}

export async function runScanCommand(context: CliContext, paths: string[], options: ScanCommandOptions): Promise<number> {
  await checkPathsExist(paths);
  await checkDetectorIds(context, options.detectors);
  fingerprintKeyFrom(options.fingerprintKey, context.io.env);
  await checkScanLimits(options);
  if (options.reveal) say(context, 'warning: --reveal is set: the report holds raw, unmasked PHI values; handle it as PHI');

  const filters = await loadResultFilters(options, context.io.cwd, paths, (line) => say(context, `warning: ${line}`));
  const output = options.output ? await openReportFile(options.output) : stdoutReportOutput(context.io.stdout);
  const controller = new AbortController();
  let interruptedBy: string | undefined;
  const stopListening = context.deps.interrupts((signal) => {
    interruptedBy = signal;
    controller.abort();
  });

  let summary: ScanSummary;
  try {
    summary = await scanIntoReport(context, paths, options, output, controller.signal, () => interruptedBy !== undefined, filters);
  } catch (error) {
    await output.discard();
    throw error;
  } finally {
    stopListening();
  }
  await output.commit();

  if (!options.quiet && (output.path !== undefined || options.format !== 'text')) say(context, outcomeLine(summary, output));
  if (interruptedBy !== undefined) {
    say(context, `error: interrupted by ${interruptedBy}; the report is incomplete`);
    return 2;
  }
  return summary.findings > 0 ? 1 : 0;
}

async function scanIntoReport(
  context: CliContext,
  paths: string[],
  options: ScanCommandOptions,
  output: ReportOutput,
  signal: AbortSignal,
  interrupted: () => boolean,
  filters: ResultFilters,
): Promise<ScanSummary> {
  const reporter = await openReporter(options.format, output.stream, {
    reveal: options.reveal === true,
    explain: options.explain,
    verbose: options.verbose,
    csvPer: options.csvPer,
    toolVersion: VERSION,
    color: colorWanted(output.stream, context.io.env),
  });
  const summaries = new SummaryBuilder({ minConfidence: options.minConfidence, masked: !options.reveal });
  const progress = wantsProgress(context, options, output) ? new ProgressLine(context.io.stderr) : undefined;
  const stats = options.stats ? new ScanStats() : undefined;
  const exposure = new ExposureAssessor();
  const started = performance.now();
  let failure: unknown;
  try {
    const run = context.deps.scan ?? scan;
    for await (const event of run(paths, toScanOptions(options, signal, context.io.env, filters.ignorePath))) {
      if (event.type === 'progress') {
        progress?.update(event);
        if (stats && event.crawlMs !== undefined) stats.crawlMs = event.crawlMs;
        continue;
      }
      if (filters.ignores(event)) continue;
      filters.narrow(event);
      await exposure.assess(event);
      summaries.add(event);
      if (!stats) {
        await reporter.file(event);
        continue;
      }
      stats.add(event);
      const reportStarted = performance.now();
      await reporter.file(event);
      stats.reportMs += performance.now() - reportStarted;
    }
  } catch (error) {
    // An abort may surface as an AbortError from the scan: that is the interrupt, not a failure.
    if (!interrupted()) failure = error;
  } finally {
    progress?.clear();
  }
  const summary = summaries.summary({ complete: failure === undefined && !interrupted() });
  // A consumer reading stdout gets a well-formed report marked incomplete even when the scan failed.
  const endStarted = performance.now();
  await reporter.end(summary);
  if (stats) {
    stats.reportMs += performance.now() - endStarted;
    context.io.stderr.write(`${stats.format(performance.now() - started, options.threads ?? os.availableParallelism())}\n`);
  }
  if (failure !== undefined) throw failure;
  return summary;
}

function toScanOptions(
  options: ScanCommandOptions,
  signal: AbortSignal,
  env: NodeJS.ProcessEnv,
  ignorePath: ScanOptions['ignorePath'],
): ScanOptions {
  const fingerprintKey = fingerprintKeyFrom(options.fingerprintKey, env);
  return {
    fingerprintKey,
    threads: options.threads,
    include: options.include,
    exclude: options.exclude,
    ignorePath,
    maxFileSize: options.maxFileSize,
    minConfidence: options.minConfidence,
    reveal: options.reveal === true,
    explain: options.explain === true,
    fileTimeoutMs: options.timeout,
    workerMaxOldGenerationMb: options.workerMemory,
    followSymlinks: options.followSymlinks === true,
    detectors: options.detectors,
    mrnPatterns: options.mrnPattern,
    customDetectors: options.customDetectors as ScanOptions['customDetectors'],
    allow: options.allow as ScanOptions['allow'],
    deny: options.deny as ScanOptions['deny'],
    signal,
  };
}

/**
 * The progress line redraws on stderr; it would tangle with a report that streams lines onto the same
 * terminal (jsonl, json, verbose text), so it shows only when stderr is a terminal and the report is not
 * streaming onto one.
 */
function wantsProgress(context: CliContext, options: ScanCommandOptions, output: ReportOutput): boolean {
  if (options.quiet || context.io.stderr.isTTY !== true) return false;
  const reportStreamsToTerminal =
    output.path === undefined &&
    context.io.stdout.isTTY === true &&
    (options.format !== 'text' || options.verbose === true || options.explain === true);
  return !reportStreamsToTerminal;
}

function outcomeLine(summary: ScanSummary, output: ReportOutput): string {
  const where = output.path === undefined ? '' : `; report written to ${output.path}`;
  return (
    `${formatCount(summary.filesSeen)} files seen, ${formatCount(summary.findings)} findings in ` +
    `${formatCount(summary.filesWithFindings)} files, ${formatCount(summary.records)} records exposed, ` +
    `${formatCount(summary.distinctPatients ?? summary.records)} distinct patients${where}`
  );
}

async function checkPathsExist(paths: string[]): Promise<void> {
  for (const path of paths) {
    try {
      await stat(path);
    } catch (error) {
      throw new UsageError(`cannot scan ${path}: ${describeFsError(error)}`);
    }
  }
}

async function checkDetectorIds(context: CliContext, ids: readonly string[] | undefined): Promise<void> {
  if (!ids) return;
  const known = new Set((await context.deps.listDetectors()).map((detector) => detector.id));
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`unknown detector id: ${unknown.join(', ')} (see 'phi-scan detectors')`);
  }
}

/**
 * Caught here rather than in the workers: an invalid --mrn-pattern would otherwise fail every task, and each
 * file would be reported as a crashed worker.
 */
async function checkScanLimits(options: ScanCommandOptions): Promise<void> {
  // The built-in patterns always compile: only site patterns are worth compiling the detectors for here.
  if (options.mrnPattern?.length) {
    const { createEngine } = await import('@phi-scan/detectors');
    try {
      createEngine({ mrnPatterns: options.mrnPattern });
    } catch (error) {
      throw new UsageError(`--mrn-pattern: ${error instanceof Error ? error.message : String(error)} (RE2 syntax: no backreferences or lookaround)`);
    }
  }
  if (options.maxFileSize !== undefined && options.maxFileSize > MAX_READ_BYTES) {
    throw new UsageError(`--max-file-size: at most ${formatCount(MAX_READ_BYTES)} bytes (1 GiB); files are read into memory whole, and larger ones are always skipped as too-large`);
  }
}
