import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult } from './types.js';

/**
 * Human labels for the fields that carry identifiers, so the detectors get the context a column header
 * would give (an 9-digit number in PID-19 is an SSN whatever it looks like). Numbers follow HL7 v2.5.
 */
const FIELD_LABELS: Record<string, string> = {
  'MSH-7': 'Message Date/Time',
  'EVN-2': 'Recorded Date/Time',
  'PID-2': 'Patient ID',
  'PID-3': 'Patient Identifier List MRN',
  'PID-4': 'Alternate Patient ID',
  'PID-5': 'Patient Name',
  'PID-6': "Mother's Maiden Name",
  'PID-7': 'Date of Birth',
  'PID-8': 'Administrative Sex',
  'PID-9': 'Patient Alias',
  'PID-11': 'Patient Address',
  'PID-13': 'Phone Number Home',
  'PID-14': 'Phone Number Business',
  'PID-18': 'Patient Account Number',
  'PID-19': 'SSN Number',
  'PID-20': "Driver's License Number",
  'PID-21': "Mother's Identifier",
  'PID-29': 'Patient Death Date',
  'PD1-4': 'Primary Care Provider',
  'NK1-2': 'Next of Kin Name',
  'NK1-3': 'Next of Kin Relationship',
  'NK1-4': 'Next of Kin Address',
  'NK1-5': 'Next of Kin Phone Number',
  'NK1-6': 'Next of Kin Business Phone',
  'NK1-16': 'Next of Kin Date of Birth',
  'NK1-33': 'Next of Kin Identifiers',
  'NK1-37': 'Next of Kin SSN',
  'PV1-3': 'Assigned Patient Location',
  'PV1-7': 'Attending Doctor',
  'PV1-8': 'Referring Doctor',
  'PV1-9': 'Consulting Doctor',
  'PV1-17': 'Admitting Doctor',
  'PV1-19': 'Visit Number',
  'PV1-44': 'Admit Date/Time',
  'PV1-45': 'Discharge Date/Time',
  'DG1-3': 'Diagnosis Code ICD-10',
  'DG1-4': 'Diagnosis Description',
  'DG1-5': 'Diagnosis Date/Time',
  'IN1-2': 'Insurance Plan ID',
  'IN1-3': 'Insurance Company ID',
  'IN1-4': 'Insurance Company Name',
  'IN1-5': 'Insurance Company Address',
  'IN1-8': 'Insurance Group Number',
  'IN1-16': 'Insurance Name of Insured',
  'IN1-18': 'Insurance Insured Date of Birth',
  'IN1-19': 'Insurance Insured Address',
  'IN1-36': 'Insurance Policy Number',
  'IN1-49': 'Insurance Insured ID Number',
  'IN2-2': 'Insurance Insured SSN',
  'IN2-8': 'Insurance Medicare Health Ins Card Number',
  'IN2-9': 'Insurance Medicaid Case Number',
  'GT1-2': 'Guarantor Number',
  'GT1-3': 'Guarantor Name',
  'GT1-5': 'Guarantor Address',
  'GT1-6': 'Guarantor Phone Home',
  'GT1-8': 'Guarantor Date of Birth',
  'GT1-12': 'Guarantor SSN',
  'ORC-12': 'Ordering Provider',
  'OBR-16': 'Ordering Provider',
  'OBR-7': 'Observation Date/Time',
  'OBX-3': 'Observation Identifier',
  'OBX-5': 'Observation Value',
  'NTE-3': 'Comment',
  'AL1-3': 'Allergen',
  'MRG-1': 'Prior Patient Identifier List MRN',
  'MRG-7': 'Prior Patient Name',
};

/**
 * Extended-composite-ID fields (CX): 'M3546284^^^RFM^MR~55501^^^LAB^PI'. The ID is the first component of each
 * repetition; the rest (assigning authority, type code) would only dilute what the detectors see.
 */
const COMPOSITE_ID_FIELDS = new Set(['PID-2', 'PID-3', 'PID-4', 'PID-18', 'PID-21', 'MRG-1', 'NK1-33', 'IN1-49', 'GT1-2']);

/** Extended addresses (XAD): 'street^other^city^state^zip^country'. Read as one address line per repetition. */
const ADDRESS_FIELDS = new Set(['PID-11', 'PID-12', 'NK1-4', 'GT1-5', 'IN1-5', 'IN1-19', 'NK1-32']);
/** Telecom numbers (XTN): the number is component 1, or, in v2.5 and later, area code 6 and local number 7. */
const TELECOM_FIELDS = new Set(['PID-13', 'PID-14', 'NK1-5', 'NK1-6', 'GT1-6', 'GT1-7', 'IN1-7']);

/** The text of each repetition of a field, shaped as a person would write it. */
function fieldTexts(fieldId: string, value: string, d: Delimiters): string[] {
  const reps = value.split(d.repetition);
  const components = (rep: string) => rep.split(d.component);
  let texts: string[];
  if (COMPOSITE_ID_FIELDS.has(fieldId)) texts = reps.map((rep) => components(rep)[0] ?? '');
  else if (ADDRESS_FIELDS.has(fieldId)) {
    texts = reps.map((rep) => {
      const [street, other, city, state, zip] = components(rep).map((c) => c.split(d.subcomponent)[0] ?? '');
      const cityLine = [city, [state, zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
      return [street, other, cityLine].filter(Boolean).join(', ');
    });
  } else if (TELECOM_FIELDS.has(fieldId)) {
    texts = reps.map((rep) => {
      const c = components(rep);
      if (c[0]?.trim()) return c[0];
      if (c[6]) return c[5] ? `(${c[5]}) ${c[6].length === 7 ? `${c[6].slice(0, 3)}-${c[6].slice(3)}` : c[6]}` : c[6];
      return c[3] ?? ''; // an e-mail address
    });
  } else return [value];
  return texts.filter((t) => t.trim());
}

export function hl7FieldLabel(fieldId: string): string {
  return FIELD_LABELS[fieldId] ?? fieldId;
}

interface Delimiters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

const DEFAULT_DELIMITERS: Delimiters = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' };

/** MSH-1 is the character after 'MSH'; MSH-2 the encoding characters up to the next field separator. */
function delimitersOf(mshLine: string): Delimiters {
  const field = mshLine[3] ?? '|';
  const end = mshLine.indexOf(field, 4);
  const enc = end < 0 ? mshLine.slice(4) : mshLine.slice(4, end);
  return {
    field,
    component: enc[0] ?? '^',
    repetition: enc[1] ?? '~',
    escape: enc[2] ?? '\\',
    subcomponent: enc[3] ?? '&',
  };
}

function hexToText(hex: string): string {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return '';
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return new TextDecoder('utf-8').decode(bytes);
}

/** Decodes HL7 escape sequences (\F\ \S\ \T\ \R\ \E\ \.br\ \Xhh\); unknown ones are kept as written. */
export function decodeHl7Escapes(value: string, d: Delimiters = DEFAULT_DELIMITERS): string {
  const esc = d.escape;
  if (!esc || !value.includes(esc)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const c = value[i]!;
    if (c !== esc) {
      out += c;
      i++;
      continue;
    }
    const close = value.indexOf(esc, i + 1);
    if (close < 0) {
      out += value.slice(i);
      break;
    }
    const code = value.slice(i + 1, close);
    switch (code) {
      case 'F':
        out += d.field;
        break;
      case 'S':
        out += d.component;
        break;
      case 'T':
        out += d.subcomponent;
        break;
      case 'R':
        out += d.repetition;
        break;
      case 'E':
        out += d.escape;
        break;
      case '.br':
        out += '\n';
        break;
      case 'H':
      case 'N':
        break; // highlight on / off: formatting only
      default:
        if (code.startsWith('X')) out += hexToText(code.slice(1));
        else out += value.slice(i, close + 1);
    }
    i = close + 1;
  }
  return out;
}

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/**
 * HL7 v2 messages and batches. A new message starts at every MSH and takes its delimiters from it; batch
 * envelopes (FHS/BHS/BTS/FTS) before the first MSH count as message 0. One text segment per non-empty field,
 * with component separators kept so 'DOE^JOHN^A' still reads as a name.
 */
export async function extractHl7(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('hl7', 'unsupported', 'binary file');
  const collector = new SegmentCollector(limits.maxTextChars);
  let delimiters = DEFAULT_DELIMITERS;
  let message = 0;
  // Some messages carry two patients (ADT^A17 swaps beds, merges name the prior patient): a PID after the
  // first starts a record of its own, so one message is not counted as one patient with two names.
  let pidInMessage = 0;
  const recordKey = () => (pidInMessage > 1 ? `message:${message}:patient:${pidInMessage}` : `message:${message}`);
  let line = 0;
  let unparsed = 0;

  const text = decoded.text.replace(/^\ufeff/, '');
  const lineRe = /\r\n|\r|\n/g;
  let start = 0;
  let done = false;
  while (!done) {
    const m = lineRe.exec(text);
    const end = m ? m.index : text.length;
    const raw = text.slice(start, end);
    start = m ? m.index + m[0].length : text.length;
    done = !m;
    line++;
    const segmentLine = raw.replace(/^[\s\u000b\u001c]+/, ''); // MLLP framing bytes and indentation
    if (!segmentLine.trim() || segmentLine === '\u001c') continue;

    const id = segmentLine.slice(0, 3);
    if (id === 'PID') pidInMessage++;
    if (id === 'MSH') {
      message++;
      pidInMessage = 0;
      delimiters = delimitersOf(segmentLine);
    }
    if (!SEGMENT_ID.test(id) || (segmentLine.length > 3 && segmentLine[3] !== delimiters.field)) {
      // Not a segment (wrapped text, a note pasted in): keep it as text so nothing is lost.
      unparsed++;
      if (!collector.add({ text: segmentLine, location: { message, field: 'text', line }, recordKey: recordKey() })) break;
      continue;
    }
    const parts = segmentLine.split(delimiters.field);
    // In MSH the separator itself is MSH-1, so parts[1] is MSH-2; elsewhere parts[n] is field n.
    const offset = id === 'MSH' ? 1 : 0;
    let keepGoing = true;
    for (let p = 1; p < parts.length; p++) {
      const fieldNo = p + offset;
      if (id === 'MSH' && fieldNo <= 2) continue;
      const value = parts[p]!;
      if (!value.trim()) continue;
      const fieldId = `${id}-${fieldNo}`;
      const label = hl7FieldLabel(fieldId);
      const texts = fieldTexts(fieldId, value, delimiters);
      for (const raw of texts) {
        keepGoing = collector.add({
          text: decodeHl7Escapes(raw, delimiters),
          location: { message, field: fieldId, line },
          columnHeader: label,
          recordKey: recordKey(),
        });
        if (!keepGoing) break;
      }
      if (!keepGoing) break;
    }
    if (!keepGoing) break;
  }
  const notes = [collector.degradedNote(), unparsed > 0 ? `${unparsed} lines are not HL7 segments` : undefined].filter(Boolean);
  return {
    ok: true,
    format: 'hl7',
    segments: collector.segments,
    encoding: decoded.encoding,
    ...(notes.length > 0 ? { degraded: notes.join('; ') } : {}),
  };
}
