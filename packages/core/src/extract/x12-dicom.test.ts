import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import { sniffFormat } from '../sniff.js';
import { extractText } from './index.js';
import type { ExtractResult, TextSegment } from './types.js';

const analyzer = createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' }));

function ok(r: ExtractResult): TextSegment[] {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}: ${r.message}`);
  return r.segments;
}

/** ISA is fixed width: each element padded to its length, so the terminator lands at offset 105. */
function isa(): string {
  const pad = (s: string, n: number) => s.padEnd(n, ' ');
  return ['ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad('SUBMITTER', 15), 'ZZ', pad('RECEIVER', 15), '241105', '0912', '^', '00501', '000000905', '0', 'P', ':'].join('*') + '~';
}

const CLAIM_837 = [
  isa(),
  'GS*HC*SUBMITTER*RECEIVER*20241105*0912*1*X*005010X222A1',
  'ST*837*0001*005010X222A1',
  'BHT*0019*00*REF47517*20241105*0912*CH',
  'NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893',
  'HL*1**20*1',
  'HL*2*1*22*0',
  'SBR*P*18*GRP01******CI',
  'NM1*IL*1*ABERNATHY*QUILLON*J***MI*W2288431101',
  'N3*7491 SUNSET ST',
  'N4*RALEIGH*NC*27689',
  'DMG*D8*19620314*F',
  'REF*SY*512448391',
  'CLM*PCN-88412*125***11:B:1*Y*A*Y*Y',
  'HI*ABK:E119*ABF:I10',
  'HL*3*1*22*0',
  'NM1*IL*1*VANTONGEREN*MARISOL****MI*W5519320201',
  'DMG*D8*19851102*F',
  'CLM*PCN-88413*80***11:B:1*Y*A*Y*Y',
  'HI*ABK:J45909',
  'SE*19*0001',
  'GE*1*1',
  'IEA*1*000000905',
].join('~\n');

describe('X12 837', () => {
  it('is recognised by its ISA header and read by element meaning', async () => {
    expect(sniffFormat(Buffer.from(CLAIM_837), 'claims.dat')).toBe('x12');
    const segs = ok(await extractText(Buffer.from(CLAIM_837), 'claims.dat'));
    const by = (text: string) => segs.find((s) => s.text === text);
    expect(by('QUILLON J ABERNATHY')).toMatchObject({ columnHeader: 'Subscriber Name', location: { transaction: 1, segment: 9, element: 'NM1-03' }, recordKey: 'x12:1:hl:2' });
    expect(by('W2288431101')).toMatchObject({ columnHeader: 'Member ID' });
    expect(by('19620314')).toMatchObject({ columnHeader: 'Date of Birth' });
    expect(by('512448391')).toMatchObject({ columnHeader: 'SSN', location: { element: 'REF-02' } });
    expect(by('7491 SUNSET ST, RALEIGH, NC 27689')).toMatchObject({ columnHeader: 'Subscriber Address' });
    expect(by('E11.9')).toMatchObject({ columnHeader: 'ICD-10-CM Diagnosis Code', location: { element: 'HI-01' }, recordKey: 'x12:1:hl:2' });
    expect(by('J45.909')).toMatchObject({ recordKey: 'x12:1:hl:3' });
    expect(by('RIVERSIDE FAMILY MEDICINE')).toMatchObject({ columnHeader: 'Billing Provider Name' });
  });

  it('counts one record per subscriber, each with its diagnosis', async () => {
    const result = await analyzer.analyze(Buffer.from(CLAIM_837), 'claims.837');
    expect(result.format).toBe('x12');
    expect(result.records).toBe(2);
    expect(result.findings.find((f) => f.detector === 'ssn')?.location).toEqual({ transaction: 1, segment: 13, element: 'REF-02' });
  });
});

type El = [number, number, string, string | Buffer | El[][]];

/** Explicit VR little endian elements; SQ items of undefined length, as many modalities write them. */
function explicit(elements: El[]): Buffer {
  return Buffer.concat(
    elements.map(([group, element, vr, value]) => {
      const head = Buffer.alloc(4);
      head.writeUInt16LE(group, 0);
      head.writeUInt16LE(element, 2);
      if (vr === 'SQ') {
        const items = (value as El[][]).map((item) => {
          const body = explicit(item);
          const itemHead = Buffer.alloc(8);
          itemHead.writeUInt16LE(0xfffe, 0);
          itemHead.writeUInt16LE(0xe000, 2);
          itemHead.writeUInt32LE(0xffffffff, 4);
          const itemEnd = Buffer.from([0xfe, 0xff, 0x0d, 0xe0, 0, 0, 0, 0]);
          return Buffer.concat([itemHead, body, itemEnd]);
        });
        const len = Buffer.alloc(8);
        len.write('SQ', 0, 'latin1');
        len.writeUInt32LE(0xffffffff, 4);
        return Buffer.concat([head, len, ...items, Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0])]);
      }
      let data = typeof value === 'string' ? Buffer.from(value, 'latin1') : (value as Buffer);
      if (data.length % 2) data = Buffer.concat([data, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
      const long = ['OB', 'OW', 'UN', 'UT'].includes(vr);
      const vrLen = Buffer.alloc(long ? 8 : 4);
      vrLen.write(vr, 0, 'latin1');
      if (long) vrLen.writeUInt32LE(data.length, 4);
      else vrLen.writeUInt16LE(data.length, 2);
      return Buffer.concat([head, vrLen, data]);
    }),
  );
}

function dicomFile(dataset: El[]): Buffer {
  const meta = explicit([[0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1']]);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, explicit(dataset)]);
}

describe('DICOM', () => {
  const file = dicomFile([
    [0x0008, 0x0005, 'CS', 'ISO_IR 100'],
    [0x0008, 0x0060, 'CS', 'CT'],
    [0x0008, 0x0090, 'PN', 'PARK^ELLEN^^DR'],
    [0x0010, 0x0010, 'PN', 'ABERNATHY^QUILLON^J'],
    [0x0010, 0x0020, 'LO', 'M4471203'],
    [0x0010, 0x0030, 'DA', '19620314'],
    [0x0010, 0x1002, 'SQ', [[[0x0010, 0x0020, 'LO', 'E4872028']]]],
    [0x0011, 0x1010, 'LO', 'SSN 512-44-8391'],
    [0x0020, 0x000d, 'UI', '1.2.826.0.1.3680043.8.498.1'],
    [0x7fe0, 0x0010, 'OW', Buffer.alloc(4096, 0x41)],
  ]);

  it('reads patient attributes, sequences and private tags, and stops at the pixel data', async () => {
    expect(sniffFormat(file, 'IM0001')).toBe('dicom');
    const segs = ok(await extractText(file, 'IM0001'));
    const by = (text: string) => segs.find((s) => s.text === text);
    expect(by('ABERNATHY, QUILLON J')).toMatchObject({ columnHeader: 'Patient Name', location: { tag: '(0010,0010)', keyword: 'PatientName' } });
    expect(by('M4471203')).toMatchObject({ columnHeader: 'Patient ID MRN' });
    expect(by('19620314')).toMatchObject({ columnHeader: 'Date of Birth', location: { tag: '(0010,0030)', keyword: 'PatientBirthDate' } });
    expect(by('E4872028')).toMatchObject({ location: { tag: '(0010,1002)[1](0010,0020)', keyword: 'PatientID' } });
    expect(by('SSN 512-44-8391')).toMatchObject({ location: { tag: '(0011,1010)', keyword: 'private' } });
    // UIDs and coded values are not text to scan; pixel bytes are never read.
    expect(segs.some((s) => s.text.includes('1.2.826') || s.text === 'CT' || s.text.includes('AAAA'))).toBe(false);
    const result = await analyzer.analyze(file, 'IM0001');
    expect(result.format).toBe('dicom');
    expect(result.records).toBe(1);
    expect(result.findings.find((f) => f.detector === 'ssn')?.location).toEqual({ tag: '(0011,1010)', keyword: 'private' });
  });

  it('keeps what came before a truncation and says so', async () => {
    const r = await extractText(file.subarray(0, file.indexOf('E4872028') - 2), 'cut.dcm');
    expect(r).toMatchObject({ ok: true, degraded: expect.stringMatching(/truncated/) });
    expect(ok(r).some((s) => s.text === 'M4471203')).toBe(true);
  });
});
