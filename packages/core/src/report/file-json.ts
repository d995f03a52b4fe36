import { packedFindingsOf } from '../file-findings.js';
import type { PackedFindings } from '../packed-findings.js';
import type { FileResult } from '../types.js';
import { reportFileHead, reportFileTail, toReportFile, type ReportFileOptions } from './report-record.js';

/**
 * Findings per piece: about 250 KB of JSON. A file with 600,000 findings was one 147 MB string from
 * JSON.stringify (plus the object copy it stringified); in pieces, the writer holds a quarter of a megabyte.
 */
const FINDINGS_PER_PIECE = 1024;

/**
 * The report-file object of the machine formats as JSON text, in pieces to write one after the other. A
 * result whose findings are still in columns is written straight from them, field for field what
 * JSON.stringify(toReportFile(result)) would give; any other result is one piece.
 */
export function* reportFileJson(result: FileResult, options: ReportFileOptions = {}): Generator<string> {
  const packed = packedFindingsOf(result);
  if (!packed) {
    yield JSON.stringify(toReportFile(result, options));
    return;
  }
  // Both are objects with at least one field (`type`, `records`): the findings go between their braces.
  const head = JSON.stringify(reportFileHead(result));
  const tail = JSON.stringify(reportFileTail(result));
  const kinds = packed.kinds.map((kind) => ({ detector: JSON.stringify(kind.detector), hipaa: JSON.stringify(kind.hipaa), role: JSON.stringify(kind.role) }));
  let piece = `${head.slice(0, -1)},"findings":[`;
  for (let i = 0; i < packed.count; i++) {
    if (i > 0) piece += ',';
    piece += findingJson(packed, i, kinds[packed.kindId(i)]!, options.explain === true);
    if ((i + 1) % FINDINGS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield `${piece}],${tail.slice(1)}`;
}

/** In the order of toReportFinding: detector, value, confidence, location, fingerprint, hipaa, role, record, reasons. */
function findingJson(packed: PackedFindings, i: number, kind: { detector: string; hipaa: string; role: string }, explain: boolean): string {
  let json =
    `{"detector":${kind.detector},"value":${packed.valueJson(i)},"confidence":"${packed.confidence(i)}",` +
    `"location":${packed.locationJson(i)},"fingerprint":${packed.fingerprintJson(i)},"hipaa":${kind.hipaa},"role":${kind.role}`;
  const record = packed.record(i);
  if (record >= 0) json += `,"record":${record}`;
  const reasons = explain ? packed.reasons(i) : undefined;
  if (reasons) json += `,"reasons":${JSON.stringify(reasons)}`;
  return `${json}}`;
}
