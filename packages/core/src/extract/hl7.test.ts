import { describe, expect, it } from 'vitest';
import { createAnalyzer, defaultAnalysisSettings } from '../analyze.js';
import { extractText } from './index.js';
import type { TextSegment } from './types.js';

/** Built field by field so the test reads like the segment it checks. */
function segment(id: string, fields: Record<number, string>): string {
  const max = Math.max(...Object.keys(fields).map(Number));
  const out: string[] = [id];
  for (let i = 1; i <= max; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

const MSH = (control: string, type: string) => `MSH|^~\\&|EHR|RFM|LAB|RFM|20241102083000||${type}|${control}|P|2.5.1`;

describe('HL7 v2 fields the issue names', () => {
  const message = [
    MSH('MSG0001', 'ADT^A08'),
    segment('PID', {
      3: 'M4471203^^^RFM^MR~55501^^^LAB^PI',
      5: 'ABERNATHY^QUILLON^J',
      7: '19620314',
      11: '7491 Sunset St^Apt 2^Raleigh^NC^27689^USA^H',
      13: '^PRN^PH^^^919^5550142~^NET^Internet^q.abernathy@example.org',
      14: '(919)555-0199^WPN^PH',
      19: '512448391',
    }),
    segment('NK1', { 1: '1', 2: 'ABERNATHY^MARGARET', 3: 'MTH^Mother', 4: '12 Oak Rd^^Cary^NC^27511', 5: '^PRN^PH^^^919^5550177' }),
    segment('DG1', { 1: '1', 3: 'E11.9^Type 2 diabetes mellitus^I10', 6: 'A' }),
  ].join('\r');

  it('reads addresses and v2.5 telecoms as a person writes them, with their labels', async () => {
    const r = await extractText(Buffer.from(message), 'feed.dat');
    if (!r.ok) throw new Error(r.message);
    const at = (field: string): TextSegment[] => r.segments.filter((s) => 'field' in s.location && s.location.field === field);
    expect(at('PID-3').map((s) => s.text)).toEqual(['M4471203', '55501']);
    expect(at('PID-11')[0]).toMatchObject({ text: '7491 Sunset St, Apt 2, Raleigh, NC 27689', columnHeader: 'Patient Address' });
    expect(at('PID-13').map((s) => s.text)).toEqual(['(919) 555-0142', 'q.abernathy@example.org']);
    expect(at('PID-14')[0]!.text).toBe('(919)555-0199');
    expect(at('NK1-4')[0]!.text).toBe('12 Oak Rd, Cary, NC 27511');
    expect(at('NK1-5')[0]).toMatchObject({ text: '(919) 555-0177', columnHeader: 'Next of Kin Phone Number' });
    expect(at('PID-19')[0]).toMatchObject({ columnHeader: 'SSN Number', location: { message: 1, field: 'PID-19', line: 2 } });
  });

  it('counts each PID of a two-patient message (A17 swap) as its own record', async () => {
    const swap = [
      MSH('MSG0002', 'ADT^A17'),
      segment('PID', { 3: 'M4471203^^^RFM^MR', 5: 'ABERNATHY^QUILLON', 7: '19620314', 19: '512-44-8391' }),
      segment('PV1', { 2: 'I', 3: '4W^401^A' }),
      segment('PID', { 3: 'M9920114^^^RFM^MR', 5: 'VANTONGEREN^MARISOL', 7: '19851102', 19: '437-21-6650' }),
      segment('PV1', { 2: 'I', 3: '4W^402^B' }),
    ].join('\r\n');
    const result = await createAnalyzer(defaultAnalysisSettings({ fingerprintKey: 'k' })).analyze(Buffer.from(swap), 'swap.hl7');
    expect(result.records).toBe(2);
    const ssn = result.findings.filter((f) => f.detector === 'ssn');
    expect(ssn.map((f) => f.location)).toEqual([
      { message: 1, field: 'PID-19', line: 2 },
      { message: 1, field: 'PID-19', line: 4 },
    ]);
    expect(new Set(ssn.map((f) => f.record)).size).toBe(2);
  });
});
