import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/engine.js';
import type { DetectContext } from '../types.js';

const engine = createEngine();
const referenceDate = new Date('2025-06-01T00:00:00Z');
/** `detector:normalized:confidence` for each finding of one detector. */
function found(detector: string, text: string, context: DetectContext = {}): string[] {
  return engine
    .detect(text, { ...context, referenceDate })
    .filter((f) => f.detector === detector)
    .map((f) => `${f.normalized}:${f.confidence}`);
}

describe('ssn', () => {
  it('needs an SSN keyword or column for nine bare digits', () => {
    expect(found('ssn', 'Reference 234567891 attached')).toEqual([]);
    expect(found('ssn', 'SSN 234567891')).toEqual(['234567891:high']);
    expect(found('ssn', '234567891', { columnHeader: 'Soc Sec #' })).toEqual(['234567891:high']);
    expect(found('ssn', '234567891', { columnHeader: 'Order ID' })).toEqual([]);
  });
  it('demotes phone, fax, zip, order, invoice, tracking and routing context', () => {
    for (const word of ['Phone', 'Fax', 'ZIP', 'Order', 'Invoice', 'Tracking', 'Routing']) {
      expect(found('ssn', `${word}: 234-56-7891`)).toEqual(['234567891:low']);
    }
  });
  it('does not match inside longer digit runs or mixed separators', () => {
    expect(found('ssn', '1234-56-7891')).toEqual([]);
    expect(found('ssn', '234-56-78910')).toEqual([]);
    expect(found('ssn', '5234-56-7891-2')).toEqual([]);
    expect(found('ssn', 'SSN 234-56 7891')).toEqual([]);
    expect(found('ssn', 'SSN 2345678910')).toEqual([]);
  });
  it('ignores phone numbers and ZIP+4', () => {
    expect(found('ssn', 'Call (206) 555-1234 or 206-555-1234, ZIP 98101-1234')).toEqual([]);
  });
  it('demotes sample and repeated-digit numbers even with a keyword', () => {
    expect(found('ssn', 'SSN: 078-05-1120')).toEqual(['078051120:low']);
    expect(found('ssn', 'SSN: 222-22-2222')).toEqual(['222222222:low']);
  });
});

describe('mrn', () => {
  it('reads the common labels', () => {
    expect(found('mrn', 'MR# 5566778')).toEqual(['5566778:high']);
    expect(found('mrn', 'Med Rec No: 5566778')).toEqual(['5566778:high']);
    expect(found('mrn', 'MRN 12-345-678')).toEqual(['12345678:high']);
  });
  it('leaves account numbers to account-number, and keeps encounter numbers low outside clinical text', () => {
    expect(found('mrn', 'Acct # 12345678 balance due')).toEqual([]);
    expect(found('account-number', 'Acct # 12345678 balance due')).toEqual(['12345678:medium']);
    expect(found('mrn', 'Encounter # 12345678 shipped')).toEqual(['12345678:low']);
  });
  it('rejects short, letter-heavy and date-shaped values', () => {
    expect(found('mrn', 'MRN: 1234')).toEqual([]);
    expect(found('mrn', 'Patient ID: ABCDE12')).toEqual([]);
    expect(found('mrn', 'MRN: 2024-01-15')).toEqual([]);
  });
  it('ignores unlabelled numbers and order numbers', () => {
    expect(found('mrn', 'Order 00123456 shipped; invoice 00998877')).toEqual([]);
  });
});

describe('dob', () => {
  it('does not call other dates birth dates', () => {
    expect(found('dob', 'Admitted 03/14/1962, discharged 03/20/1962')).toEqual([]);
    expect(found('dob', 'Date of service 1962-03-14')).toEqual([]);
  });
  it('rejects future, impossible and too-old dates', () => {
    expect(found('dob', 'DOB: 07/04/2026')).toEqual([]);
    expect(found('dob', 'DOB: 13/13/1962')).toEqual([]);
    expect(found('dob', 'DOB: 02/29/1961')).toEqual([]);
    expect(found('dob', 'DOB: 1899-01-01')).toEqual([]);
  });
  it('picks the century that puts a two-digit year in the past', () => {
    expect(found('dob', 'DOB: 1/2/05')).toEqual(['2005-01-02:high']);
    expect(found('dob', 'DOB: 1/2/45')).toEqual(['1945-01-02:high']);
  });
  it('reads a day-first date when the first part cannot be a month', () => {
    expect(found('dob', 'DOB 25.12.1970')).toEqual(['1970-12-25:high']);
  });
});

describe('name', () => {
  it('never reports provider names', () => {
    expect(found('name', 'Dr. John Smith reviewed the chart')).toEqual([]);
    expect(found('name', 'Patient: John Smith, MD')).toEqual([]);
    expect(found('name', 'Signed: Mary Jones RN')).toEqual([]);
    expect(found('name', 'Attending: SMITH, JOHN')).toEqual([]);
    expect(found('name', 'Referring Provider: Garcia, Maria')).toEqual([]);
    expect(found('name', 'PV1|1|I|W^389^1||||004777^SMITH^JOHN^A|||')).toEqual([]);
    expect(found('name', 'Mary Jones', { columnHeader: 'Physician Name' })).toEqual([]);
  });
  it('does not take common-word pairs for LAST, FIRST', () => {
    expect(found('name', 'Seattle, Washington is rainy')).toEqual([]);
    expect(found('name', 'However, the results were clear')).toEqual([]);
  });
  it('stops a labelled name at the next label', () => {
    expect(found('name', 'Patient: Mary Johnson MRN 00123456')).toEqual(['MARY JOHNSON:high']);
  });
  it('keeps unknown words under a label low', () => {
    expect(found('name', 'Patient Name: Zorblax Quintar')).toEqual(['ZORBLAX QUINTAR:low']);
  });
  it('ignores names of things', () => {
    expect(found('name', 'File Name: Quarterly Report')).toEqual([]);
    expect(found('name', 'User Name: Admin')).toEqual([]);
  });
  it('reads an HL7 LAST^FIRST name at the start of any line, as at the start of the text', () => {
    const atStart = found('name', 'DOE^JOHN^Q seen in clinic');
    expect(atStart).toEqual(['JOHN Q DOE:high']);
    const filler = 'Inventory counts were reconciled without exceptions.\n'.repeat(400);
    // Inside the text's second 8 KiB stretch, not where a stretch starts: found there too, and in the middle.
    for (const cut of [9000, 9500, filler.length - 60]) {
      const before = filler.slice(0, filler.lastIndexOf('\n', cut) + 1);
      expect(found('name', `${before}DOE^JOHN^Q seen in clinic\n${filler}`), `after ${before.length} chars`).toEqual(atStart);
    }
    expect(found('name', 'Visit list\r\nDOE^JOHN^Q\r\n')).toEqual(atStart);
    // Not in the middle of a line's other text.
    expect(found('name', 'see DOE^JOHN^Q')).toEqual([]);
  });
});

describe('icd10', () => {
  it('keeps codes outside clinical context low, and part numbers low even in a parts sheet', () => {
    expect(found('icd10', 'Shipment E11.9 arrived')).toEqual(['E11.9:low']);
    expect(found('icd10', 'E11.9', { columnHeader: 'Part Number' })).toEqual(['E11.9:low']);
    expect(found('icd10', 'Inventory: SKU E11.9 qty 4, diagnosis unknown')).toEqual(['E11.9:low']);
  });
  it('rejects code-shaped strings that are not codes', () => {
    expect(found('icd10', 'Dx: Z99.99X, A10, E11.99999, E1.19')).toEqual([]);
  });
  it('reports every code in a diagnosis list', () => {
    expect(found('icd10', 'Dx: J45.909, E11.9, I10')).toEqual(['J45.909:medium', 'E11.9:medium', 'I10:medium']);
  });
  it('reads only DG1-3 in HL7, not message types or coding-system names', () => {
    const hl7 = 'MSH|^~\\&|EPIC|HOSP|||202401011200||ADT^A01|1|P|2.5\rDG1|1|I10|E11.9^Type 2 diabetes^I10||';
    expect(found('icd10', hl7)).toEqual(['E11.9:medium']);
  });
  it('raises to high under an ICD-10 header', () => {
    expect(found('icd10', 'E119', { columnHeader: 'Dx Code (ICD-10)' })).toEqual(['E11.9:high']);
  });
});

describe('icd9', () => {
  it('finds nothing without ICD-9 context', () => {
    expect(found('icd9', 'Diagnosis 250.00, room 401.9, total 786.50')).toEqual([]);
    expect(found('icd9', '250.00', { columnHeader: 'Dx Code' })).toEqual([]);
  });
  it('finds codes after an ICD-9 keyword', () => {
    expect(found('icd9', 'ICD-9 dx 250.00')).toEqual(['250.00:high']);
    expect(found('icd9', 'icd9: E880.9')).toEqual(['E880.9:high']);
  });
  it('rejects numbers that are not v32 codes and money amounts', () => {
    expect(found('icd9', 'ICD-9: 999.99, $250.00')).toEqual([]);
  });
});
