import type { FileResult, ReportedFinding } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { formatBytes, formatCount, formatDuration } from './format.js';
import { describeLocation, printable } from './location-text.js';
import { accessWords, ownerText } from '../exposure/access.js';
import { StreamSink } from './stream-sink.js';
import { createStyle, type Style } from './style.js';

/**
 * The report a compliance officer reads: what was looked at, what was found, how many patients are exposed
 * and where the worst files are. Values appear only per finding with `explain`, and only as the scan
 * delivered them (masked unless `reveal`).
 */
export class TextReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #options: ReporterOptions;
  readonly #style: Style;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions & { color: boolean }) {
    this.#sink = new StreamSink(out);
    this.#options = options;
    this.#style = createStyle(options.color);
  }

  async file(result: FileResult): Promise<void> {
    const explain = this.#options.explain === true;
    if (!this.#options.verbose && !explain) return;
    const lines = fileLines(result, this.#style, explain);
    if (lines.length > 0) await this.#sink.write(lines.join('\n') + '\n');
  }

  end(summary: ScanSummary): Promise<void> {
    const separator = this.#options.verbose || this.#options.explain ? '\n' : '';
    return this.#sink.finish(separator + summaryLines(summary, this.#style).join('\n') + '\n');
  }
}

function fileLines(result: FileResult, style: Style, explain: boolean): string[] {
  const path = printable(result.path);
  if (result.status === 'error') {
    const why = result.message ? `: ${printable(result.message)}` : '';
    return [`${style.yellow('FAILED')}  ${path}  ${result.reason ?? 'error'}${why}`];
  }
  if (result.findings.length === 0) return [];
  const counts = countsText(countByDetector(result.findings));
  const exposure = result.risk ? `; risk ${result.risk.score} ${result.risk.level}, ${accessWords(result.access)}` : '';
  const head = `${style.red('FOUND')}   ${path}  ${plural(result.records, 'record')}, ${plural(result.findings.length, 'finding')} (${counts})${exposure}`;
  if (!explain) return [head];
  return [head, ...result.findings.map((finding) => findingLine(finding, style))];
}

function findingLine(finding: ReportedFinding, style: Style): string {
  const reasons = (finding.reasons ?? []).map((reason) => printable(reason.detail)).join('; ');
  const place = describeLocation(finding.location);
  const explanation = reasons ? style.dim(`  (${reasons})`) : '';
  return `        ${finding.detector.padEnd(12)} ${finding.confidence.padEnd(6)}  ${printable(place)}  ${printable(finding.value)}${explanation}`;
}

function summaryLines(summary: ScanSummary, style: Style): string[] {
  const lines = [style.bold('phi-scan report'), ...statusLines(summary, style), '', ...fileCountLines(summary, style), ''];
  lines.push(...encryptedLines(summary, style));
  if (summary.findings === 0) {
    lines.push(style.green(`No PHI found at ${summary.minConfidence} confidence or above.`));
    return lines;
  }
  lines.push(`${style.bold('Findings')}  ${style.red(formatCount(summary.findings))}`);
  lines.push(...table(Object.entries(summary.findingsByDetector).map(([id, count]) => [id, formatCount(count)]), [false, true]));
  lines.push('', `${style.bold('Records (patients) exposed')}  ${style.red(formatCount(summary.records))}`);
  lines.push(...exposureLines(summary, style), '');
  const riskiest = summary.riskiestFiles ?? [];
  if (riskiest.length > 0) {
    lines.push(style.bold(`Riskiest files (top ${riskiest.length}, by risk: patients, identifiers, health information, who can read them)`));
    const rows = riskiest.map((file) => [
      String(file.risk.score),
      file.risk.level,
      formatCount(file.records),
      accessWords(file.access),
      printable(ownerText(file.access)),
      printable(file.path),
    ]);
    lines.push(...table([['risk', 'level', 'records', 'readable by', 'owner', 'path'], ...rows], [true, false, true, false, false, false]));
    return lines;
  }
  lines.push(style.bold(`Files exposing the most records (top ${summary.topFiles.length})`));
  const rows = summary.topFiles.map((file) => [formatCount(file.records), formatCount(file.findings), printable(file.path)]);
  lines.push(...table([['records', 'findings', 'path'], ...rows], [true, true, false]));
  return lines;
}

/** Encrypted files cannot be checked at all: they are listed, not only counted, so someone can follow up. */
function encryptedLines(summary: ScanSummary, style: Style): string[] {
  const count = summary.skippedByReason['encrypted'] ?? 0;
  if (count === 0) return [];
  const paths = summary.encryptedFiles ?? [];
  const more = count - paths.length;
  return [
    `${style.bold('Encrypted files')}  ${style.yellow(formatCount(count))}  (password-protected: not scanned, and may hold PHI)`,
    ...paths.map((path) => `  ${printable(path)}`),
    ...(more > 0 ? [`  … and ${formatCount(more)} more (status "skipped", reason "encrypted" in a jsonl report)`] : []),
    '',
  ];
}

/** Distinct patients across files, PHI against PII, and what identifies the records. */
function exposureLines(summary: ScanSummary, style: Style): string[] {
  if (summary.distinctPatients === undefined) return [];
  const lines = [
    `${style.bold('Distinct patients')}  ${style.red(formatCount(summary.distinctPatients))}` +
      `  (${formatCount(summary.distinctPhiPatients ?? 0)} with health information; linked across files by SSN, MRN, name + DOB)`,
    ...table(
      [
        ['files exposing patients', formatCount(summary.filesExposingPatients ?? 0)],
        ['PHI records (identifier + health information)', formatCount(summary.phiRecords ?? 0)],
        ['PII records (identifiers only)', formatCount(summary.piiRecords ?? 0)],
      ],
      [false, true],
    ),
  ];
  const folders = (summary.patientsByFolder ?? []).slice(0, 5);
  if (folders.length > 0) {
    lines.push('', style.bold(`Folders exposing the most patients (top ${folders.length})`));
    const rows = folders.map((f) => [formatCount(f.patients), formatCount(f.files), printable(f.folder)]);
    lines.push(...table([['patients', 'files', 'folder'], ...rows], [true, true, false]));
  }
  const sets = Object.entries(summary.recordsByIdentifiers ?? {}).slice(0, 8);
  if (sets.length > 0) {
    lines.push('', style.bold('Records by what identifies them'));
    lines.push(...table(sets.map(([set, count]) => [set, formatCount(count)]), [false, true]));
  }
  return lines;
}

function statusLines(summary: ScanSummary, style: Style): string[] {
  const complete = summary.complete
    ? 'complete'
    : style.yellow('INCOMPLETE: the scan was interrupted; the counts cover only the files it reached');
  const masked = summary.masked
    ? 'masked'
    : style.yellow('NOT MASKED: this report shows raw values; store and share it as PHI');
  return [
    ...table(
      [
        ['Scan', complete],
        ['Values', masked],
        ['Confidence', `${summary.minConfidence} and above`],
        ['Started', `${summary.startedAt}, took ${formatDuration(summary.durationMs)}`],
      ],
      [false, false],
    ),
  ];
}

function fileCountLines(summary: ScanSummary, style: Style): string[] {
  return [
    style.bold('Files'),
    ...table(
      [
        ['seen', formatCount(summary.filesSeen), ''],
        ['scanned', formatCount(summary.filesScanned), formatBytes(summary.bytesScanned)],
        ['skipped', formatCount(summary.filesSkipped), countsText(summary.skippedByReason)],
        ['failed', formatCount(summary.filesFailed), countsText(summary.failedByReason)],
        ['with findings', formatCount(summary.filesWithFindings), ''],
      ],
      [false, true, false],
    ),
  ];
}

/** Aligned columns, indented by two; `rightAligned[i]` for numbers. Trailing blanks are trimmed. */
function table(rows: string[][], rightAligned: boolean[]): string[] {
  const widths = rightAligned.map((_, column) => Math.max(...rows.map((row) => visibleLength(row[column] ?? ''))));
  return rows.map((row) => {
    const cells = row.map((cell, column) => {
      const padding = ' '.repeat((widths[column] ?? 0) - visibleLength(cell));
      return rightAligned[column] ? padding + cell : cell + padding;
    });
    return ('  ' + cells.join('  ')).trimEnd();
  });
}

function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

function countByDetector(findings: readonly ReportedFinding[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const finding of findings) counts[finding.detector] = (counts[finding.detector] ?? 0) + 1;
  return counts;
}

function countsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([key, count]) => `${key} ${formatCount(count)}`)
    .join(', ');
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
