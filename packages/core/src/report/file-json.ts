import { packedFindingsOf } from '../file-findings.js';
import { CONFIDENCE_NAMES } from '../packed-findings.js';
import type { FileResult } from '../types.js';
import { JsonBytes } from './json-bytes.js';
import { reportFileOf, toReportFile, type ReportFileOptions } from './report-record.js';

/**
 * Findings per piece: about 250 KB of JSON. A file with 600,000 findings was one 147 MB string from
 * JSON.stringify (plus the object copy it stringified); in pieces, the writer holds a quarter of a megabyte.
 */
const FINDINGS_PER_PIECE = 1024;
const FINDINGS_KEY = '"findings":[]';

/** What a writer puts right before and after the file's JSON (a line break, an array's comma). */
export interface Around {
  before?: string;
  after?: string;
}

/** Bytes a piece starts with room for: its 1024 findings take about 250 KB. */
const PIECE_BYTES = 320 * 1024;

/**
 * The report-file object of the machine formats as JSON, in pieces to write one after the other, `around` it.
 * A result whose findings are still in columns is written straight from them as UTF-8 bytes, byte for byte
 * what encoding JSON.stringify(toReportFile(result)) would give; any other result is one string.
 */
export function* reportFileJson(result: FileResult, options: ReportFileOptions = {}, around: Around = {}): Generator<string | Uint8Array> {
  const { before = '', after = '' } = around;
  const packed = packedFindingsOf(result);
  if (!packed) {
    yield before + JSON.stringify(toReportFile(result, options)) + after;
    return;
  }
  // Inside a JSON string every quote is escaped, so the first `"findings":[]` is the key itself.
  const empty = JSON.stringify(reportFileOf(result, []));
  const cut = empty.indexOf(FINDINGS_KEY) + FINDINGS_KEY.length - 1;
  const kinds = packed.kinds.map(kindJson);
  const explain = options.explain === true;
  const out = new JsonBytes(PIECE_BYTES);
  out.text(before + empty.slice(0, cut));
  for (let i = 0; i < packed.count; i++) {
    const kind = kinds[packed.kindId(i)]!;
    out.bytes(i === 0 ? kind.open : kind.next);
    packed.writeValueJson(i, out);
    out.bytes(CONFIDENCE_JSON[packed.confidence(i)]!);
    packed.writeLocationJson(i, out);
    out.bytes(FINGERPRINT_KEY);
    packed.writeFingerprintJson(i, out);
    out.bytes(kind.close);
    const record = packed.record(i);
    if (record >= 0) {
      out.bytes(RECORD_KEY);
      out.uint(record);
    }
    const reasons = explain ? packed.reasons(i) : undefined;
    if (reasons) {
      out.bytes(REASONS_KEY);
      out.text(JSON.stringify(reasons));
    }
    out.bytes(CLOSE);
    if ((i + 1) % FINDINGS_PER_PIECE === 0) yield out.take();
  }
  out.text(empty.slice(cut) + after);
  yield out.take();
}

const utf8 = new TextEncoder();
const FINGERPRINT_KEY = utf8.encode(',"fingerprint":');
const RECORD_KEY = utf8.encode(',"record":');
const REASONS_KEY = utf8.encode(',"reasons":');
const CLOSE = utf8.encode('}');

/**
 * A finding's JSON in the order of toReportFinding (detector, value, confidence, location, fingerprint, hipaa,
 * role, record, reasons), cut where the per-finding parts go; the rest is the same for every finding of a kind.
 */
interface KindJson {
  open: Uint8Array;
  next: Uint8Array;
  close: Uint8Array;
}

function kindJson(kind: { detector: string; hipaa: string; role: string }): KindJson {
  const open = `{"detector":${JSON.stringify(kind.detector)},"value":`;
  return {
    open: utf8.encode(open),
    next: utf8.encode(`,${open}`),
    close: utf8.encode(`,"hipaa":${JSON.stringify(kind.hipaa)},"role":${JSON.stringify(kind.role)}`),
  };
}

const CONFIDENCE_JSON: Record<string, Uint8Array> = Object.fromEntries(
  CONFIDENCE_NAMES.map((name) => [name, utf8.encode(`,"confidence":${JSON.stringify(name)},"location":`)]),
);
