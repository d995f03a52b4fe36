import type { FileResult, ReportedFinding } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { csvRow } from './csv.js';
import { describeLocation } from './location-text.js';
import { StreamSink } from './stream-sink.js';

const ACCESS_COLUMNS = ['risk', 'risk_level', 'owner', 'uid', 'group', 'gid', 'mode', 'world_readable', 'group_readable'];
const FINDING_COLUMNS = ['path', 'detector', 'hipaa', 'role', 'confidence', 'value', 'location', 'location_json', 'record', 'fingerprint', ...ACCESS_COLUMNS];
const FILE_COLUMNS = ['path', 'status', 'reason', 'format', 'bytes', 'mtime', 'records', 'phi_records', 'findings', 'detectors', 'identifiers', ...ACCESS_COLUMNS];

/**
 * One row per finding (the default) or, with `csvPer: 'file'`, one per file the scan saw. Rows stream out as
 * files complete; the summary is not part of a CSV (there is no place for it that a spreadsheet keeps apart).
 */
export class CsvReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #perFile: boolean;
  #headerWritten = false;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#perFile = options.csvPer === 'file';
  }

  file(result: FileResult): Promise<void> {
    const rows = this.#perFile ? [fileRow(result)] : result.findings.map((finding) => findingRow(result, finding));
    if (!this.#headerWritten) {
      this.#headerWritten = true;
      rows.unshift(csvRow(this.#perFile ? FILE_COLUMNS : FINDING_COLUMNS));
    }
    return rows.length ? this.#sink.write(rows.join('')) : Promise.resolve();
  }

  end(_summary: ScanSummary): Promise<void> {
    return this.#sink.finish(this.#headerWritten ? '' : csvRow(this.#perFile ? FILE_COLUMNS : FINDING_COLUMNS));
  }
}

function accessCells(result: FileResult): (string | number | boolean | undefined)[] {
  const a = result.access;
  return [result.risk?.score, result.risk?.level, a?.user, a?.uid, a?.group, a?.gid, a?.mode, a?.worldReadable, a?.groupReadable];
}

function findingRow(result: FileResult, finding: ReportedFinding): string {
  return csvRow([
    result.path,
    finding.detector,
    finding.hipaa,
    finding.role,
    finding.confidence,
    finding.value,
    describeLocation(finding.location),
    JSON.stringify(finding.location),
    finding.record,
    finding.fingerprint,
    ...accessCells(result),
  ]);
}

function fileRow(result: FileResult): string {
  const detectors = new Map<string, number>();
  for (const finding of result.findings) detectors.set(finding.detector, (detectors.get(finding.detector) ?? 0) + 1);
  const identifiers = new Set((result.recordList ?? []).flatMap((record) => record.identifiers));
  return csvRow([
    result.path,
    result.status,
    result.reason,
    result.format,
    result.bytes,
    result.mtime,
    result.records,
    (result.recordList ?? []).filter((record) => record.phi).length,
    result.findings.length,
    [...detectors].map(([id, count]) => `${id}:${count}`).join(' '),
    [...identifiers].sort().join('+'),
    ...accessCells(result),
  ]);
}
