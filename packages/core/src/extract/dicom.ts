import { inflateRawSync } from 'node:zlib';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, TextSegment } from './types.js';

/**
 * DICOM Part 10 files: the header's data elements, never the pixel data (reading stops at (7FE0,0010)).
 * Patient attributes get headers the detectors know (Patient Name, Patient ID as an MRN, Birth Date); every
 * other text element, private tags included, is scanned too, since vendors and technologists put names and
 * MRNs wherever there is room. Sequences are walked (Other Patient IDs, Referenced Patient). One file, one
 * patient.
 */

interface TagInfo {
  keyword: string;
  header?: string;
}

/** PHI-bearing attributes of PS3.15 Annex E (basic profile) that matter most, with what they hold. */
const TAGS: Record<string, TagInfo> = {
  '00100010': { keyword: 'PatientName', header: 'Patient Name' },
  '00100020': { keyword: 'PatientID', header: 'Patient ID MRN' },
  '00100021': { keyword: 'IssuerOfPatientID' },
  '00100030': { keyword: 'PatientBirthDate', header: 'Date of Birth' },
  '00100032': { keyword: 'PatientBirthTime' },
  '00100040': { keyword: 'PatientSex' },
  '00101000': { keyword: 'OtherPatientIDs', header: 'Other Patient IDs MRN' },
  '00101001': { keyword: 'OtherPatientNames', header: 'Patient Name' },
  '00101002': { keyword: 'OtherPatientIDsSequence' },
  '00101005': { keyword: 'PatientBirthName', header: 'Patient Name' },
  '00101010': { keyword: 'PatientAge' },
  '00101040': { keyword: 'PatientAddress', header: 'Patient Address' },
  '00101060': { keyword: 'PatientMotherBirthName', header: "Mother's Maiden Name" },
  '00101090': { keyword: 'MedicalRecordLocator', header: 'Medical Record Number' },
  '00102154': { keyword: 'PatientTelephoneNumbers', header: 'Patient Phone Number' },
  '00102000': { keyword: 'MedicalAlerts' },
  '001021B0': { keyword: 'AdditionalPatientHistory' },
  '00104000': { keyword: 'PatientComments' },
  '00080020': { keyword: 'StudyDate', header: 'Study Date' },
  '00080050': { keyword: 'AccessionNumber', header: 'Accession Number' },
  '00080080': { keyword: 'InstitutionName' },
  '00080081': { keyword: 'InstitutionAddress' },
  '00080090': { keyword: 'ReferringPhysicianName', header: 'Referring Physician' },
  '00081030': { keyword: 'StudyDescription' },
  '0008103E': { keyword: 'SeriesDescription' },
  '00081048': { keyword: 'PhysiciansOfRecord', header: 'Physician' },
  '00081050': { keyword: 'PerformingPhysicianName', header: 'Physician' },
  '00081070': { keyword: 'OperatorsName', header: 'Operator' },
  '00081080': { keyword: 'AdmittingDiagnosesDescription', header: 'Admitting Diagnosis' },
  '00200010': { keyword: 'StudyID', header: 'Study ID' },
  '00321032': { keyword: 'RequestingPhysician', header: 'Physician' },
  '00380010': { keyword: 'AdmissionID', header: 'Admission ID' },
  '00400254': { keyword: 'PerformedProcedureStepDescription' },
  '0040A123': { keyword: 'PersonName' },
};

/** Value representations whose bytes are text. UI, CS and AE are machine values (UIDs, codes, AE titles). */
const TEXT_VRS = new Set(['PN', 'LO', 'LT', 'SH', 'ST', 'UT', 'UC', 'DA', 'DT', 'AS']);
/** VRs with a 4-byte length after two reserved bytes in explicit VR encodings. */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const MAX_SEQUENCE_DEPTH = 16;

interface Syntax {
  explicit: boolean;
  little: boolean;
}

class Truncated extends Error {}

function tagText(group: number, element: number): string {
  return `(${group.toString(16).toUpperCase().padStart(4, '0')},${element.toString(16).toUpperCase().padStart(4, '0')})`;
}

function charsetDecoder(value: string): TextDecoder {
  const v = value.toUpperCase();
  if (v.includes('192')) return new TextDecoder('utf-8');
  if (v.includes('ISO_IR 144')) return new TextDecoder('iso-8859-5');
  if (v.includes('ISO_IR 127')) return new TextDecoder('iso-8859-6');
  if (v.includes('ISO_IR 126')) return new TextDecoder('iso-8859-7');
  if (v.includes('ISO_IR 138')) return new TextDecoder('iso-8859-8');
  if (v.includes('ISO_IR 148')) return new TextDecoder('windows-1254');
  if (v.includes('GB18030')) return new TextDecoder('gb18030');
  return new TextDecoder('latin1');
}

/** Patient's Name is `Family^Given^Middle^Prefix^Suffix` (and `=` alternates): read it as a person writes it. */
function personName(value: string): string {
  return value
    .split('=')
    .filter((v) => v.trim())
    .map((alt) => {
      const [family, given, middle, prefix, suffix] = alt.split('^');
      const rest = [prefix, given, middle].filter((p) => p && p.trim()).join(' ');
      return [family, rest].filter((p) => p && p.trim()).join(', ') + (suffix?.trim() ? ` ${suffix.trim()}` : '');
    })
    .join(' / ');
}

class DicomReader {
  readonly collector: SegmentCollector;
  private decoder = new TextDecoder('latin1');
  reachedPixels = false;

  constructor(
    private readonly buf: Buffer,
    maxChars: number,
  ) {
    this.collector = new SegmentCollector(maxChars);
  }

  private u16(at: number, little: boolean): number {
    if (at + 2 > this.buf.length) throw new Truncated();
    return little ? this.buf.readUInt16LE(at) : this.buf.readUInt16BE(at);
  }

  private u32(at: number, little: boolean): number {
    if (at + 4 > this.buf.length) throw new Truncated();
    return little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at);
  }

  /** Reads elements from `start` to `end` (or a delimiter); returns where it stopped. */
  dataset(start: number, end: number, syntax: Syntax, path: string, depth: number): number {
    let p = start;
    while (p + 8 <= end && !this.collector.full) {
      // Group 0002 (file meta) is always explicit little endian, whatever the data set uses.
      const group = this.u16(p, syntax.little || this.buf.readUInt16LE(p) === 0x0002);
      const meta = group === 0x0002;
      const s: Syntax = meta ? { explicit: true, little: true } : syntax;
      const element = this.u16(p + 2, s.little);
      if (group === 0xfffe) {
        // Item / delimitation tags have no VR.
        const len = this.u32(p + 4, s.little);
        if (element === 0xe00d || element === 0xe0dd) return p + 8;
        p += 8 + (len === UNDEFINED ? 0 : len);
        continue;
      }
      if (group === 0x7fe0 && element === 0x0010) {
        this.reachedPixels = true;
        return end;
      }
      let vr = '';
      let len: number;
      let value: number;
      const explicitHere = s.explicit && /^[A-Z]{2}$/.test(this.buf.toString('latin1', p + 4, p + 6));
      if (explicitHere) {
        vr = this.buf.toString('latin1', p + 4, p + 6);
        if (LONG_VRS.has(vr)) {
          len = this.u32(p + 8, s.little);
          value = p + 12;
        } else {
          len = this.u16(p + 6, s.little);
          value = p + 8;
        }
      } else {
        len = this.u32(p + 4, s.little);
        value = p + 8;
      }
      const key = `${group.toString(16).toUpperCase().padStart(4, '0')}${element.toString(16).toUpperCase().padStart(4, '0')}`;
      const tag = tagText(group, element);
      const isSequence = vr === 'SQ' || (!explicitHere && (len === UNDEFINED || TAGS[key]?.keyword.endsWith('Sequence')));
      if (isSequence && depth < MAX_SEQUENCE_DEPTH) {
        p = this.sequence(value, len === UNDEFINED ? end : Math.min(end, value + len), s, `${path}${tag}`, depth + 1, len === UNDEFINED);
        continue;
      }
      if (len === UNDEFINED) throw new Truncated(); // undefined length outside a sequence: encapsulated data we do not read
      if (value + len > this.buf.length) throw new Truncated();
      if (key === '00080005') this.decoder = charsetDecoder(this.buf.toString('latin1', value, value + len));
      const info = TAGS[key];
      const isText = explicitHere ? TEXT_VRS.has(vr) : info !== undefined;
      const isPrivate = (group & 1) === 1;
      if (!meta && isText && (info || isPrivate || vr === 'PN' || vr === 'LO' || vr === 'LT' || vr === 'ST' || vr === 'UT' || vr === 'SH')) {
        const raw = this.decoder.decode(this.buf.subarray(value, value + len)).replace(/[\0 ]+$/, '');
        const text = vr === 'PN' || info?.header === 'Patient Name' ? personName(raw) : raw.replace(/\\/g, ' / ');
        const segment: TextSegment = { text, location: { tag: `${path}${tag}`, keyword: info?.keyword ?? (isPrivate ? 'private' : vr) }, recordKey: 'dicom:patient' };
        if (info?.header) segment.columnHeader = info.header;
        if (!this.collector.add(segment)) return end;
      }
      p = value + len;
    }
    if (p < end && p + 8 > end && end === this.buf.length) throw new Truncated();
    return p;
  }

  private sequence(start: number, end: number, syntax: Syntax, path: string, depth: number, undefinedLength: boolean): number {
    let p = start;
    let item = 0;
    while (p + 8 <= end) {
      const group = this.u16(p, syntax.little);
      const element = this.u16(p + 2, syntax.little);
      const len = this.u32(p + 4, syntax.little);
      if (group !== 0xfffe) throw new Truncated();
      if (element === 0xe0dd) return p + 8; // sequence delimitation
      item++;
      const itemEnd = len === UNDEFINED ? end : Math.min(end, p + 8 + len);
      p = this.dataset(p + 8, itemEnd, syntax, `${path}[${item}]`, depth);
      if (this.collector.full) return end;
    }
    // An undefined-length sequence ends with its delimiter; running out of bytes first means the file was cut.
    if (undefinedLength) throw new Truncated();
    return end;
  }
}

export async function extractDicom(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 132 || buf.toString('latin1', 128, 132) !== 'DICM') return failure('dicom', 'corrupt', 'not a DICOM Part 10 file');
  // The transfer syntax sits in the file meta group; find it before reading the data set with it.
  let syntax: Syntax = { explicit: true, little: true };
  let metaEnd = 132;
  let p = 132;
  while (p + 8 <= buf.length && buf.readUInt16LE(p) === 0x0002) {
    const element = buf.readUInt16LE(p + 2);
    const vr = buf.toString('latin1', p + 4, p + 6);
    const long = LONG_VRS.has(vr);
    const len = long ? buf.readUInt32LE(p + 8) : buf.readUInt16LE(p + 6);
    const value = p + (long ? 12 : 8);
    if (element === 0x0010) {
      const uid = buf.toString('latin1', value, value + len).replace(/[\0 ]+$/, '');
      if (uid === '1.2.840.10008.1.2') syntax = { explicit: false, little: true };
      else if (uid === '1.2.840.10008.1.2.2') syntax = { explicit: true, little: false };
    }
    p = value + len;
    metaEnd = p;
  }
  // Deflated explicit little endian: the data set after the meta group is raw deflate.
  if (buf.toString('latin1', 132, metaEnd).includes('1.2.840.10008.1.2.1.99')) {
    try {
      buf = Buffer.concat([buf.subarray(0, metaEnd), inflateRawSync(buf.subarray(metaEnd), { maxOutputLength: limits.maxInflatedBytes })]);
    } catch {
      return failure('dicom', 'corrupt', 'deflated DICOM data set does not inflate (or exceeds the size limit)');
    }
  }
  const reader = new DicomReader(buf, limits.maxTextChars);
  let degraded: string | undefined;
  try {
    reader.dataset(132, buf.length, syntax, '', 0);
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
    degraded = 'header damaged or truncated; elements after the damage not read';
  }
  const notes = [degraded, reader.collector.degradedNote()].filter(Boolean).join('; ');
  return { ok: true, format: 'dicom', segments: reader.collector.segments, ...(notes ? { degraded: notes } : {}) };
}
