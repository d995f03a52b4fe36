import { packedFindingsOf } from '../file-findings.js';
import { CONFIDENCE_NAMES } from '../packed-findings.js';
import type { FileResult } from '../types.js';
import { reportFileOf, toReportFile, type ReportFileOptions } from './report-record.js';

/**
 * Findings per piece: about 250 KB of JSON. A file with 600,000 findings was one 147 MB string from
 * JSON.stringify (plus the object copy it stringified); in pieces, the writer holds a quarter of a megabyte.
 */
const FINDINGS_PER_PIECE = 1024;
const FINDINGS_KEY = '"findings":[]';

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
  // Inside a JSON string every quote is escaped, so the first `"findings":[]` is the key itself.
  const empty = JSON.stringify(reportFileOf(result, []));
  const cut = empty.indexOf(FINDINGS_KEY) + FINDINGS_KEY.length - 1;
  const kinds = packed.kinds.map(kindJson);
  const explain = options.explain === true;
  let piece = empty.slice(0, cut);
  for (let i = 0; i < packed.count; i++) {
    const kind = kinds[packed.kindId(i)]!;
    piece += i === 0 ? kind.open : kind.next;
    piece += packed.valueJson(i) + CONFIDENCE_JSON[packed.confidence(i)]! + packed.locationJson(i);
    piece += `,"fingerprint":${packed.fingerprintJson(i)}${kind.close}`;
    const record = packed.record(i);
    if (record >= 0) piece += `,"record":${record}`;
    const reasons = explain ? packed.reasons(i) : undefined;
    if (reasons) piece += `,"reasons":${JSON.stringify(reasons)}`;
    piece += '}';
    if ((i + 1) % FINDINGS_PER_PIECE === 0) {
      yield piece;
      piece = '';
    }
  }
  yield piece + empty.slice(cut);
}

/**
 * A finding's JSON in the order of toReportFinding (detector, value, confidence, location, fingerprint, hipaa,
 * role, record, reasons), cut where the per-finding parts go; the rest is the same for every finding of a kind.
 */
interface KindJson {
  open: string;
  next: string;
  close: string;
}

function kindJson(kind: { detector: string; hipaa: string; role: string }): KindJson {
  const open = `{"detector":${JSON.stringify(kind.detector)},"value":`;
  return { open, next: `,${open}`, close: `,"hipaa":${JSON.stringify(kind.hipaa)},"role":${JSON.stringify(kind.role)}` };
}

const CONFIDENCE_JSON: Record<string, string> = Object.fromEntries(
  CONFIDENCE_NAMES.map((name) => [name, `,"confidence":${JSON.stringify(name)},"location":`]),
);
