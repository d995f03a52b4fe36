import { createHash } from 'node:crypto';
import { gunzipSync, strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { makeAccuracyCorpus, type AccuracyDocument } from './corpus.js';

// XLSX bytes are left out: exceljs stamps the workbook with the time it was written (docProps/core.xml).
const digest = (docs: AccuracyDocument[]) =>
  docs.map((d) => `${d.path} ${d.format} ${d.path.endsWith('.xlsx') ? '' : createHash('sha256').update(d.bytes).digest('hex')} ${JSON.stringify(d.labels)} ${d.patients} ${d.records ?? ''}`);

/** Names of the regular files in a ustar archive. */
function tarNames(tar: Uint8Array): string[] {
  const names: string[] = [];
  for (let o = 0; o + 512 <= tar.length && tar[o] !== 0;) {
    names.push(strFromU8(tar.subarray(o, o + 100)).replace(/\0.*$/s, ''));
    const size = parseInt(strFromU8(tar.subarray(o + 124, o + 136)).replace(/\0.*$/s, ''), 8);
    o += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('accuracy corpus', () => {
  it('gives the same bytes, labels and formats for the same seed', async () => {
    const a = await makeAccuracyCorpus({ seed: 'corpus test', documents: 120 });
    const b = await makeAccuracyCorpus({ seed: 'corpus test', documents: 120 });
    expect(digest(a)).toEqual(digest(b));
  });

  it('covers the interchange formats and containers, each document labelled and given a format', async () => {
    const docs = await makeAccuracyCorpus({ seed: 'corpus test', documents: 160 });
    const formats = new Set(docs.map((d) => d.format));
    for (const f of ['C-CDA XML', 'FHIR JSON', 'X12 837', 'HL7 v2', 'DICOM', 'RTF', 'ODT', 'PPTX', 'EML + attachment', 'zip', 'tar.gz']) expect(formats).toContain(f);
    for (const d of docs) {
      expect(d.format, d.path).toBeTruthy();
      if (d.kind === 'phi') expect(d.labels.length, d.path).toBeGreaterThan(0);
      else expect(d.labels, d.path).toEqual([]);
    }
  });

  it('puts the labelled values of the interchange formats in the bytes', async () => {
    const docs = await makeAccuracyCorpus({ seed: 'corpus test', documents: 160 });
    for (const d of docs.filter((x) => ['ccda', 'fhir-bundle', 'x12', 'dicom', 'rtf'].includes(x.template))) {
      const text = Buffer.from(d.bytes).toString('latin1');
      const digitsOnly = text.replace(/\D/g, '');
      for (const l of d.labels) {
        if (l.detector === 'ssn' || l.detector === 'npi' || l.detector === 'phone') expect(digitsOnly, `${d.path} ${l.detector}`).toContain(l.value);
        if (l.detector === 'mrn' || l.detector === 'health-plan-id' || l.detector === 'account-number') expect(text.toUpperCase(), `${d.path} ${l.detector}`).toContain(l.value);
        if (l.detector === 'dob') {
          const [y, m, day] = l.value.split('-');
          expect(text, `${d.path} dob`).toMatch(new RegExp(`${y}-?${m}-?${day}|${m}/${day}/${y}`));
        }
        if (l.detector === 'name') for (const token of l.value.split(' ')) expect(text.toUpperCase(), `${d.path} name`).toContain(token);
      }
    }
  });

  it('writes archives whose members are the labelled documents', async () => {
    const docs = await makeAccuracyCorpus({ seed: 'corpus test', documents: 160 });
    const zip = docs.find((d) => d.template === 'zip')!;
    expect(Object.keys(unzipSync(zip.bytes))).toEqual(['exports/roster.csv', 'letters/referral.docx']);
    expect(zip.patients).toBeGreaterThanOrEqual(3);
    const tgz = docs.find((d) => d.template === 'tar-gz')!;
    expect(tarNames(gunzipSync(tgz.bytes))).toEqual(['backup/labs/lab_report.txt', 'backup/notes/visit_note.txt']);
    const eml = docs.find((d) => d.template === 'eml')!;
    expect(strFromU8(eml.bytes)).toMatch(/Content-Disposition: attachment; filename="(registration|lab)_\d{4}\.(txt|pdf)"/);
    expect(eml.records).toBe(2);
  });
});
