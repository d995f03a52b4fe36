import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, TextSegment } from './types.js';

/**
 * ASC X12 EDI (837 claims, 835 remittances, 270/271 eligibility): delimiters come from the fixed-width ISA
 * segment; each element that identifies a person is emitted with what the implementation guide says it is
 * (NM1 name of the subscriber or the patient, NM1-09 by its qualifier, DMG-02 birth date, REF by its
 * qualifier, HI diagnosis codes by their code-list qualifier). Records follow the HL hierarchy in an 837
 * (subscriber and patient levels) and CLP claims in an 835.
 */

/** NM1-01 entity codes: whose name and identifier the segment carries. */
const ENTITY: Record<string, string> = {
  IL: 'Subscriber',
  QC: 'Patient',
  '03': 'Dependent',
  '74': 'Corrected Insured',
  '85': 'Billing Provider',
  '82': 'Rendering Provider',
  '87': 'Pay-to Provider',
  DN: 'Referring Provider',
  DK: 'Ordering Provider',
  '77': 'Service Facility',
  PR: 'Payer',
  '40': 'Receiver',
  '41': 'Submitter',
  '1P': 'Provider',
  FA: 'Facility',
};
/** People whose identifiers and contacts are PHI; the others (providers, payers) are context. */
const PEOPLE = new Set(['IL', 'QC', '03', '74']);

/** NM1-08 / REF-01 qualifiers. */
const ID_QUALIFIER: Record<string, string> = {
  '34': 'SSN',
  SY: 'SSN',
  MI: 'Member ID',
  '1W': 'Member ID',
  II: 'Patient Identifier',
  EA: 'Medical Record Number MRN',
  XX: 'NPI',
  '24': 'Employer Identification Number',
  EI: 'Employer Identification Number',
  '0B': 'State License Number',
  '1L': 'Group Number',
  '6P': 'Group Number',
  F8: 'Original Claim Reference',
  '9F': 'Referral Number',
  G1: 'Prior Authorization Number',
  D9: 'Claim Number',
  EJ: 'Patient Account Number',
  HJ: 'Identity Card Number',
  '1G': 'Provider UPIN',
  Y4: 'Agency Claim Number',
};

/** HI code-list qualifiers: ICD-10-CM (principal, admitting, other, reason for visit) and ICD-9-CM. */
const ICD10_QUALIFIERS = new Set(['ABK', 'ABF', 'ABJ', 'APR', 'ABN']);
const ICD9_QUALIFIERS = new Set(['BK', 'BF', 'BJ', 'PR', 'BN']);

interface Delimiters {
  element: string;
  component: string;
  segment: string;
}

function delimitersOf(text: string): Delimiters | undefined {
  if (!text.startsWith('ISA') || text.length < 106) return undefined;
  const element = text[3]!;
  // ISA is fixed width: 16 elements, the component separator is ISA-16 and the terminator follows it.
  const fields = text.slice(0, 106).split(element);
  if (fields.length >= 17 && fields[16]!.length >= 1) {
    const component = fields[16]![0]!;
    const segment = text[105]!;
    if (segment && segment !== element && segment !== component) return { element, component, segment };
  }
  const tilde = text.indexOf('~');
  return tilde > 0 ? { element, component: ':', segment: '~' } : undefined;
}

/** 'E119' → 'E11.9', ICD-9 '25000' → '250.00', 'E8889' → 'E888.9': claims drop the dot the code lists print. */
function dotted(code: string, icd10: boolean): string {
  const c = code.trim().toUpperCase();
  if (c.includes('.')) return c;
  const at = !icd10 && c.startsWith('E') ? 4 : 3;
  return c.length > at ? `${c.slice(0, at)}.${c.slice(at)}` : c;
}

function personName(el: string[], component: string): string {
  const [, , , last, first, middle, prefix, suffix] = el.map((e) => e.split(component)[0] ?? '');
  return [prefix, first, middle, last, suffix].filter((p) => p && p.trim()).join(' ');
}

export async function extractX12(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('x12', 'unsupported', 'binary file');
  const text = decoded.text.replace(/^\ufeff/, '').trimStart();
  const d = delimitersOf(text);
  if (!d) return failure('x12', 'corrupt', 'X12 interchange header (ISA) damaged');
  const collector = new SegmentCollector(limits.maxTextChars);
  let transaction = 0;
  let segmentNo = 0;
  let recordKey: string | undefined;
  let entity = '';
  let claim = 0;
  let pendingAddress: { lines: string[]; segment: number } | undefined;

  const emit = (value: string | undefined, element: string, header?: string): boolean => {
    if (!value || !value.trim()) return true;
    const segment: TextSegment = { text: value.trim(), location: { transaction, segment: segmentNo, element } };
    if (header) segment.columnHeader = header;
    if (recordKey) segment.recordKey = recordKey;
    return collector.add(segment);
  };

  for (const raw of text.split(d.segment)) {
    const seg = raw.replace(/^[\r\n]+/, '');
    if (!seg.trim()) continue;
    segmentNo++;
    const el = seg.split(d.element);
    const id = el[0]!.trim();
    const who = ENTITY[entity] ?? 'Party';
    let ok = true;
    switch (id) {
      case 'ST':
        transaction++;
        recordKey = undefined;
        entity = '';
        break;
      case 'HL': {
        // 20 = billing provider, 22 = subscriber, 23 = patient (a dependent of the subscriber).
        const level = el[3];
        recordKey = level === '22' || level === '23' ? `x12:${transaction}:hl:${el[1]}` : `x12:${transaction}:provider:${el[1]}`;
        break;
      }
      case 'CLP':
        claim++;
        recordKey = `x12:${transaction}:claim:${claim}`;
        ok = emit(el[1], 'CLP-01', 'Patient Account Number');
        break;
      case 'CLM':
        ok = emit(el[1], 'CLM-01', 'Patient Account Number');
        break;
      case 'NM1': {
        entity = el[1] ?? '';
        const name = ENTITY[entity] ?? 'Party';
        ok = emit(el[2] === '2' ? el[3] : personName(el, d.component), 'NM1-03', `${name} Name`);
        if (ok && el[9]) ok = emit(el[9], 'NM1-09', PEOPLE.has(entity) ? (ID_QUALIFIER[el[8] ?? ''] ?? `${name} Identifier`) : `${name} ${ID_QUALIFIER[el[8] ?? ''] ?? 'Identifier'}`);
        break;
      }
      case 'N3':
        pendingAddress = { lines: [el[1] ?? '', el[2] ?? ''].filter(Boolean), segment: segmentNo };
        break;
      case 'N4': {
        const cityLine = [el[1], [el[2], el[3]].filter(Boolean).join(' ')].filter(Boolean).join(', ');
        const lines = [...(pendingAddress?.lines ?? []), cityLine].filter(Boolean);
        ok = emit(lines.join(', '), pendingAddress ? 'N3-01' : 'N4-01', `${who} Address`);
        pendingAddress = undefined;
        break;
      }
      case 'DMG':
        ok = emit(el[2], 'DMG-02', `${who === 'Subscriber' || who === 'Patient' ? '' : `${who} `}Date of Birth`.trim());
        break;
      case 'REF': {
        const header = ID_QUALIFIER[el[1] ?? ''];
        if (header) ok = emit(el[2], 'REF-02', PEOPLE.has(entity) || header === 'SSN' ? header : `${who} ${header}`);
        break;
      }
      case 'PER':
        ok = emit(el[2], 'PER-02', `${who} Contact Name`);
        for (let i = 3; ok && i + 1 < el.length; i += 2) {
          const kind = el[i] === 'TE' || el[i] === 'CP' ? 'Phone Number' : el[i] === 'FX' ? 'Fax Number' : el[i] === 'EM' ? 'Email' : 'Contact';
          ok = emit(el[i + 1], `PER-${String(i + 1).padStart(2, '0')}`, `${who} ${kind}`);
        }
        break;
      case 'HI':
        for (let i = 1; ok && i < el.length; i++) {
          const [qualifier, code] = (el[i] ?? '').split(d.component);
          if (!qualifier || !code) continue;
          const icd10 = ICD10_QUALIFIERS.has(qualifier);
          if (!icd10 && !ICD9_QUALIFIERS.has(qualifier)) continue;
          ok = emit(dotted(code, icd10), `HI-${String(i).padStart(2, '0')}`, icd10 ? 'ICD-10-CM Diagnosis Code' : 'ICD-9-CM Diagnosis Code');
        }
        break;
      case 'NTE':
        ok = emit(el[2], 'NTE-02', 'Note');
        break;
      case 'MSG':
        ok = emit(el[1], 'MSG-01', 'Message Text');
        break;
    }
    if (!ok) break;
  }
  if (transaction === 0) return failure('x12', 'corrupt', 'X12 interchange without a transaction set');
  const degraded = collector.degradedNote();
  return { ok: true, format: 'x12', segments: collector.segments, encoding: decoded.encoding, ...(degraded ? { degraded } : {}) };
}
