import { createHash } from 'node:crypto';
import type { FileResult } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { accessWords, ownerText } from '../exposure/access.js';
import { formatBytes, formatCount, formatDuration } from './format.js';
import { barChart, escapeHtml, HTML_STYLE } from './html-parts.js';
import { describeLocation } from './location-text.js';
import { StreamSink } from './stream-sink.js';

/** A drill-down of a file with a hundred thousand findings would make the page unusable; the rest are counted. */
const MAX_FINDINGS_SHOWN = 500;

/**
 * One self-contained HTML file a compliance officer can open and send: no script, no external resource (a
 * Content-Security-Policy forbids any), charts as inline SVG. It streams like the other reports: each file's
 * drill-down is written as the file completes, and the summary comes last in the bytes but first on the page
 * (flexbox `order`), so memory does not grow with the number of files.
 */
export class HtmlReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #options: ReporterOptions;
  #started = false;
  #filesShown = 0;
  #failedShown = 0;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#options = options;
  }

  async file(result: FileResult): Promise<void> {
    const head = this.#head();
    if (result.status === 'error') {
      this.#failedShown += 1;
      return this.#sink.write(head + failedItem(result));
    }
    if (result.findings.length === 0) {
      if (head) await this.#sink.write(head);
      return;
    }
    this.#filesShown += 1;
    return this.#sink.write(head + fileSection(result));
  }

  end(summary: ScanSummary): Promise<void> {
    const empties =
      (this.#filesShown === 0 ? '<p class="files-head none">No file has findings.</p>' : '') +
      (this.#failedShown === 0 ? '<p class="failed none">Every file was read.</p>' : '');
    return this.#sink.finish(`${this.#head()}${empties}${summarySection(summary, this.#options)}</main></body></html>\n`);
  }

  #head(): string {
    if (this.#started) return '';
    this.#started = true;
    return (
      '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
      '<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer">' +
      `<title>phi-scan exposure report</title><style>${HTML_STYLE}</style></head><body><main class="report">` +
      '<h2 class="files-head">Files with findings</h2><h2 class="failed-head">Files that could not be scanned</h2>'
    );
  }
}

export function fileAnchor(path: string): string {
  return `f-${createHash('sha256').update(path).digest('hex').slice(0, 16)}`;
}

function fileSection(result: FileResult): string {
  const risk = result.risk;
  const level = risk ? `<span class="level ${risk.level}">${risk.level} ${risk.score}</span> · ` : '';
  const access = result.access;
  const facts: [string, string][] = [
    ['Status', `${escapeHtml(result.status)}${result.format ? ` (${escapeHtml(result.format)})` : ''}`],
    ['Size', escapeHtml(formatBytes(result.bytes))],
    ['Modified', escapeHtml(result.mtime ?? 'unknown')],
    ['Readable by', escapeHtml(accessWords(access))],
    ['Owner', escapeHtml(ownerText(access) || 'unknown')],
    ['Mode', access ? `<code>${escapeHtml(access.mode)}</code>` : 'unknown'],
  ];
  if (risk) facts.push(['Risk', `${risk.score} of 100 (sensitivity ${risk.sensitivity}, accessibility ${risk.accessibility})`]);
  const records = (result.recordList ?? [])
    .map((record, i) => `<tr><td class="num">${i + 1}</td><td>${escapeHtml(record.identifiers.join(', '))}</td><td>${record.phi ? 'PHI' : 'PII'}</td></tr>`)
    .join('');
  const shown = result.findings.slice(0, MAX_FINDINGS_SHOWN);
  const findings = shown
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.detector)}</td><td>${escapeHtml(f.confidence)}</td><td><code>${escapeHtml(f.value)}</code></td>` +
        `<td>${escapeHtml(describeLocation(f.location))}</td><td class="num">${f.record === undefined ? '' : f.record + 1}</td></tr>`,
    )
    .join('');
  const more = result.findings.length > shown.length ? `<p class="none">${formatCount(result.findings.length - shown.length)} more findings are in the JSON report.</p>` : '';
  return (
    `<details class="file" id="${fileAnchor(result.path)}"><summary>${level}<span class="path">${escapeHtml(result.path)}</span> ` +
    `<span class="meta">— ${plural(result.records, 'record')}, ${plural(result.findings.length, 'finding')}</span></summary>` +
    `<table>${facts.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>` +
    (records ? `<h3>Patient records</h3><table><tr><th class="num">#</th><th>identified by</th><th>kind</th></tr>${records}</table>` : '') +
    `<h3>Findings</h3><table><tr><th>detector</th><th>confidence</th><th>value</th><th>location</th><th class="num">record</th></tr>${findings}</table>${more}</details>`
  );
}

function failedItem(result: FileResult): string {
  return `<p class="failed"><span class="path">${escapeHtml(result.path)}</span> — ${escapeHtml(result.reason ?? 'error')}${result.message ? `: ${escapeHtml(result.message)}` : ''}</p>`;
}

function summarySection(summary: ScanSummary, options: ReporterOptions): string {
  const banners = [
    summary.complete ? '' : '<p class="banner warn">INCOMPLETE: the scan was interrupted; the figures cover only the files it reached.</p>',
    summary.masked && !options.reveal
      ? '<p class="banner ok">Values are masked.</p>'
      : '<p class="banner warn">NOT MASKED: this report shows raw values; store and share it as PHI.</p>',
  ].join('');
  const figure = (label: string, value: number | undefined, key = false) =>
    `<div class="figure${key ? ' key' : ''}"><b>${formatCount(value ?? 0)}</b>${escapeHtml(label)}</div>`;
  const figures =
    figure('distinct patients exposed', summary.distinctPatients ?? summary.records, true) +
    figure('patients with health information', summary.distinctPhiPatients) +
    figure('files exposing patients', summary.filesExposingPatients ?? summary.filesWithFindings) +
    figure('PHI records', summary.phiRecords) +
    figure('PII-only records', summary.piiRecords) +
    figure('findings', summary.findings) +
    figure('files seen', summary.filesSeen) +
    figure('files skipped or failed', summary.filesSkipped + summary.filesFailed);
  const charts =
    barChart('Findings by identifier', Object.entries(summary.findingsByDetector).slice(0, 20), '#2f6db5') +
    barChart('Distinct patients per folder', (summary.patientsByFolder ?? []).map((f) => [f.folder, f.patients] as [string, number]), '#b42318');
  return (
    `<section class="summary"><h1>phi-scan exposure report</h1>` +
    `<p class="meta">Started ${escapeHtml(summary.startedAt)}, took ${escapeHtml(formatDuration(summary.durationMs))}; findings at ${escapeHtml(summary.minConfidence)} confidence and above.</p>` +
    `${banners}<div class="figures">${figures}</div><div class="charts">${charts}</div>` +
    riskiestTable(summary) +
    identifierTable(summary) +
    reasonsTable(summary) +
    `<p class="meta">Patients are linked across files by keyed fingerprints (HMAC-SHA-256) of their SSN, MRN, MBI, or name with date of birth; ` +
    `a record known only by a name counts as a patient of its own. Open a file below for its records, masked values and locations.</p></section>`
  );
}

function riskiestTable(summary: ScanSummary): string {
  const files = summary.riskiestFiles ?? [];
  if (files.length === 0) return '';
  const rows = files
    .map(
      (f) =>
        `<tr><td class="num"><span class="level ${f.risk.level}">${f.risk.score}</span></td><td>${f.risk.level}</td><td class="num">${formatCount(f.records)}</td>` +
        `<td>${escapeHtml(accessWords(f.access))}</td><td>${escapeHtml(ownerText(f.access))}</td><td><code>${escapeHtml(f.access?.mode ?? '')}</code></td>` +
        `<td><a class="path" href="#${fileAnchor(f.path)}">${escapeHtml(f.path)}</a></td></tr>`,
    )
    .join('');
  return (
    '<h2>Riskiest files</h2><table><tr><th class="num">risk</th><th>level</th><th class="num">records</th><th>readable by</th><th>owner</th><th>mode</th><th>path</th></tr>' +
    `${rows}</table>`
  );
}

function identifierTable(summary: ScanSummary): string {
  const sets = Object.entries(summary.recordsByIdentifiers ?? {}).slice(0, 15);
  if (sets.length === 0) return '';
  const rows = sets.map(([set, count]) => `<tr><td>${escapeHtml(set.replace(/\+/g, ' + '))}</td><td class="num">${formatCount(count)}</td></tr>`).join('');
  return `<h2>What identifies the records</h2><table><tr><th>identifiers</th><th class="num">records</th></tr>${rows}</table>`;
}

function reasonsTable(summary: ScanSummary): string {
  const rows = [
    ...Object.entries(summary.skippedByReason).map(([reason, count]) => ['skipped', reason, count] as const),
    ...Object.entries(summary.failedByReason).map(([reason, count]) => ['failed', reason, count] as const),
  ];
  if (rows.length === 0) return '';
  return (
    '<h2>Files not scanned</h2><table><tr><th>outcome</th><th>reason</th><th class="num">files</th></tr>' +
    rows.map(([kind, reason, count]) => `<tr><td>${kind}</td><td>${escapeHtml(reason)}</td><td class="num">${formatCount(count)}</td></tr>`).join('') +
    '</table>'
  );
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
