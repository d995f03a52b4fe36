import { stat } from 'node:fs/promises';
import { assessRisk, openReporter, colorWanted, SummaryBuilder, type ReportFormat, type ScanSummary } from '@phi-scan/core/main';
import { say, type CliContext } from './context.js';
import { describeFsError, openReportFile, stdoutReportOutput } from './report-output.js';
import { readSavedReport } from './saved-report.js';
import { UsageError } from './usage-error.js';
import { VERSION } from './version.js';

export interface ReportCommandOptions {
  format: ReportFormat;
  output?: string;
  csvPer?: 'finding' | 'file';
  verbose?: boolean;
  explain?: boolean;
  quiet?: boolean;
}

/**
 * Renders a saved json/jsonl scan in another format without scanning again. The figures are recomputed from
 * the saved files (distinct patients from their record keys, which were made with the scan's key), and the
 * scan's own facts (when it ran, whether it completed, masked or not, the confidence floor) are kept.
 * Access is taken as the scan saw it: the files may have changed, or live on another machine.
 */
export async function runReportCommand(context: CliContext, input: string, options: ReportCommandOptions): Promise<number> {
  try {
    await stat(input);
  } catch (error) {
    throw new UsageError(`cannot read the saved report ${input}: ${describeFsError(error)}`);
  }
  const saved = readSavedReport(input);
  const output = options.output ? await openReportFile(options.output) : stdoutReportOutput(context.io.stdout);
  try {
    // The values are as the scan wrote them; the saved summary says whether they are masked, and the
    // reporters' banners follow the summary.
    const reporter = await openReporter(options.format, output.stream, {
      reveal: false,
      explain: options.explain,
      verbose: options.verbose,
      csvPer: options.csvPer,
      toolVersion: VERSION,
      color: colorWanted(output.stream, context.io.env),
    });
    const builder = new SummaryBuilder({ minConfidence: 'medium', masked: true });
    for await (const file of saved.files) {
      file.findings ??= [];
      if (!file.risk && (file.findings.length > 0 || file.records > 0)) file.risk = assessRisk(file, file.access);
      builder.add(file);
      await reporter.file(file);
    }
    const summary = withSavedFacts(builder.summary({ complete: true }), saved.summary());
    await reporter.end(summary);
    await output.commit();
    if (!options.quiet && output.path !== undefined) say(context, `report written to ${output.path}`);
    if (!summary.masked) say(context, 'warning: the saved scan holds raw, unmasked PHI values; so does this report');
    return 0;
  } catch (error) {
    await output.discard();
    throw error;
  }
}

function withSavedFacts(computed: ScanSummary, saved: ScanSummary | undefined): ScanSummary {
  if (!saved) return computed;
  return {
    ...computed,
    complete: saved.complete ?? computed.complete,
    minConfidence: saved.minConfidence ?? computed.minConfidence,
    masked: saved.masked ?? computed.masked,
    startedAt: saved.startedAt ?? computed.startedAt,
    durationMs: saved.durationMs ?? computed.durationMs,
  };
}
