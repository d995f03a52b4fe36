import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Random } from './random.js';
import {
  FAMOUS_SAMPLE_SSNS, ICD10_CODES, ICD9_CODES, daysInMonth, isStructurallyValidSsn, isValidNanpPhone,
  makePatients, makeProviders,
} from './patients.js';
import { adtEvents, hl7AdtBatch, RIVERSIDE_CLINIC, rosterCsv } from './documents.js';
import { INVALID_SSN_SAMPLES, partsInventoryCsv, supplierInvoice } from './negatives.js';
import { encodeUtf16le, formatDate } from './format.js';
import { buildExampleShare, DETECTOR_IDS } from './share.js';
import { makeDocx, makePdf, makeXlsx } from './office.js';

const office = { makeDocx, makePdf, makeXlsx };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('Random', () => {
  it('gives the same stream for the same seed, and a different one for another seed', () => {
    const draw = (seed: string | number) => {
      const r = new Random(seed);
      return Array.from({ length: 50 }, () => r.nextUint32());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw(42)).toEqual(draw(42));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('pins the first values, so a change to the algorithm is a visible, deliberate break', () => {
    const r = new Random(1);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32()]).toMatchInlineSnapshot(`
      [
        2693262067,
        11749833,
        2265367787,
      ]
    `);
  });

  it('keeps int() inside its inclusive bounds and reaches both ends', () => {
    const r = new Random('bounds');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = r.int(3, 7);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(7);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });

  it('shuffles a copy and keeps every item', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = new Random('s').shuffle(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...shuffled].sort()).toEqual(items);
  });
});

describe('makePatients', () => {
  const patients = makePatients(500, 'validity');

  it('is deterministic', () => {
    expect(makePatients(20, 7)).toEqual(makePatients(20, 7));
    expect(makePatients(20, 7)).not.toEqual(makePatients(20, 8));
  });

  it('gives structurally valid SSNs, never a famous sample, all distinct', () => {
    for (const p of patients) {
      const [area, group, serial] = p.ssn.split('-').map(Number) as [number, number, number];
      expect(p.ssn).toMatch(/^\d{3}-\d{2}-\d{4}$/);
      expect(area >= 1 && area <= 899 && area !== 666).toBe(true);
      expect(group >= 1 && group <= 99).toBe(true);
      expect(serial >= 1 && serial <= 9999).toBe(true);
      expect(FAMOUS_SAMPLE_SSNS).not.toContain(p.ssn);
      expect(isStructurallyValidSsn(p.ssn)).toBe(true);
    }
    expect(new Set(patients.map((p) => p.ssn)).size).toBe(patients.length);
  });

  it('gives NANP-valid phone numbers', () => {
    for (const p of patients) expect(isValidNanpPhone(p.phone), p.phone).toBe(true);
    for (const p of makeProviders(50, 'phones')) expect(isValidNanpPhone(p.phone), p.phone).toBe(true);
    expect(isValidNanpPhone('(211) 555-1234')).toBe(false);
    expect(isValidNanpPhone('(312) 123-4567')).toBe(false);
    expect(isValidNanpPhone('(312) 911-4567')).toBe(false);
  });

  it('gives MRNs the detector accepts: 7–8 digits, optionally behind one letter, all distinct', () => {
    for (const p of patients) expect(p.mrn).toMatch(/^(?:[A-Z]\d{7}|\d{7,8})$/);
    expect(new Set(patients.map((p) => p.mrn)).size).toBe(patients.length);
  });

  it('gives real calendar dates of birth between 1930 and 2020', () => {
    for (const p of patients) {
      expect(p.dob.year).toBeGreaterThanOrEqual(1930);
      expect(p.dob.year).toBeLessThanOrEqual(2020);
      expect(p.dob.day).toBeLessThanOrEqual(daysInMonth(p.dob.year, p.dob.month));
    }
  });

  it('never names a provider like a patient it was told to avoid', () => {
    const few = makePatients(40, 'avoid');
    const names = new Set(few.map((p) => `${p.given} ${p.family}`));
    for (const d of makeProviders(30, 'avoid', few)) expect(names.has(`${d.given} ${d.family}`)).toBe(false);
  });
});

describe('code tables', () => {
  it('holds ICD-10-CM codes of the right shape, without duplicates', () => {
    expect(ICD10_CODES.length).toBeGreaterThanOrEqual(40);
    for (const { code } of ICD10_CODES) expect(code).toMatch(/^[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?$/);
    expect(new Set(ICD10_CODES.map((c) => c.code)).size).toBe(ICD10_CODES.length);
    // Codes retired as billable, which a careless table would still carry.
    expect(ICD10_CODES.map((c) => c.code)).not.toContain('M54.5');
  });

  it('holds ICD-9-CM codes of the right shape', () => {
    for (const { code } of ICD9_CODES) expect(code).toMatch(/^\d{3}(?:\.\d{1,2})?$/);
  });
});

describe('documents', () => {
  const [a, b] = makePatients(2, 'docs') as [ReturnType<typeof makePatients>[number], ReturnType<typeof makePatients>[number]];
  const ctx = { clinic: RIVERSIDE_CLINIC, provider: makeProviders(1, 'docs')[0]!, date: { year: 2024, month: 11, day: 2 }, seed: 'd' };

  it('writes HL7 with CR-terminated segments and identifiers in their standard fields', () => {
    const batch = hl7AdtBatch(adtEvents([a, b], [a], ctx.date, 'e'), ctx);
    expect(batch).not.toContain('\n');
    const segments = batch.split('\r').filter(Boolean);
    expect(segments.filter((s) => s.startsWith('MSH|')).length).toBe(3);
    const pid = segments.find((s) => s.startsWith('PID|'))!.split('|');
    expect(pid[3]).toBe(`${a.mrn}^^^RFM^MR`);
    expect(pid[5]).toBe(`${a.family.toUpperCase()}^${a.given.toUpperCase()}^${a.middleInitial}`);
    expect(pid[7]).toBe(formatDate(a.dob, 'hl7'));
    expect(pid[19]).toBe(a.ssn);
    expect(segments.find((s) => s.startsWith('DG1|'))).toMatch(/^DG1\|1\|\|[A-Z][^^]+\^[^^]+\^I10\|/);
  });

  it('writes the roster header the spec names', () => {
    expect(rosterCsv([a]).split('\r\n')[0]).toBe('MRN,Last Name,First Name,DOB,SSN,Diagnosis');
  });

  it('keeps every hard-negative SSN sample invalid', () => {
    for (const s of INVALID_SSN_SAMPLES) expect(isStructurallyValidSsn(s), s).toBe(false);
  });

  it('keeps patient identifiers out of the hard negatives', () => {
    const inventory = partsInventoryCsv('x');
    expect(inventory).not.toMatch(/\b(?:MRN|DOB|SSN|Patient|Diagnosis|Dx)\b/i);
    const invoice = supplierInvoice(RIVERSIDE_CLINIC, ctx.date, 'x');
    expect(invoice).not.toMatch(/\b(?:MRN|DOB|SSN|Patient|Birth)\b/i);
    expect(invoice).toMatch(/\b\d{9}\b/);
  });

  it('encodes UTF-16 LE with and without a BOM', () => {
    expect([...encodeUtf16le('Hi', true)]).toEqual([0xff, 0xfe, 0x48, 0, 0x69, 0]);
    expect([...encodeUtf16le('Hi', false)]).toEqual([0x48, 0, 0x69, 0]);
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

describe('example share', () => {
  it('is byte-for-byte deterministic', async () => {
    const first = await buildExampleShare(office);
    const second = await buildExampleShare(office);
    expect([...first.files.keys()]).toEqual([...second.files.keys()]);
    for (const [path, bytes] of first.files) expect(sha256(bytes), path).toBe(sha256(second.files.get(path)!));
    expect(second.manifest).toEqual(first.manifest);
  });

  it('has a manifest entry for every file the script writes, and nothing else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phi-scan-share-'));
    try {
      // The script is plain ESM over the compiled package: this also checks it runs after `pnpm build`.
      const { writeExampleShare } = await import('../../../scripts/make-example-share.mjs');
      const manifest = await writeExampleShare(dir);
      const shareDir = join(dir, 'share');
      const written = (await listFiles(shareDir)).map((f) => relative(shareDir, f).split(sep).join('/')).sort();
      // Members of archives and attachments of mail ('outer.zip!inner.csv') are promised too, but are not files.
      const keys = Object.keys(manifest.files);
      expect(keys.filter((k) => !k.includes('!')).sort()).toEqual(written);
      for (const member of keys.filter((k) => k.includes('!'))) {
        expect(keys, member).toContain(member.slice(0, member.lastIndexOf('!')));
      }
      expect(written.length).toBeGreaterThanOrEqual(25);
      expect(written.length).toBeLessThanOrEqual(50);
      let total = 0;
      for (const f of written) total += (await stat(join(shareDir, f))).size;
      expect(total).toBeLessThan(1024 * 1024);
      await stat(join(dir, 'expected.json'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('puts PHI in every supported format and keeps the manifest self-consistent', async () => {
    const { manifest } = await buildExampleShare(office);
    const entries = Object.entries(manifest.files);
    const withPhi = new Set(entries.filter(([, e]) => e.detectors.length > 0).map(([p]) => p.slice(p.lastIndexOf('.') + 1)));
    for (const ext of [
      'txt', 'csv', 'tsv', 'log', 'md', 'json', 'xml', 'html', 'hl7', 'pdf', 'docx', 'xlsx',
      'x12', 'dcm', 'rtf', 'doc', 'eml', 'pptx', 'odt',
    ]) {
      expect(withPhi, ext).toContain(ext);
    }
    // PHI inside containers: a zip member, a tar.gz member two levels down, a mail attachment.
    const memberPhi = entries.filter(([p, e]) => p.includes('!') && e.detectors.length > 0).map(([p]) => p);
    expect(memberPhi.some((p) => /\.zip!/.test(p))).toBe(true);
    expect(memberPhi.some((p) => /\.tar\.gz!/.test(p))).toBe(true);
    expect(memberPhi.some((p) => /\.eml!/.test(p))).toBe(true);
    expect(entries.some(([p, e]) => p.includes('!') && e.status === 'skipped')).toBe(true);
    for (const [path, e] of entries) {
      expect(e.detectors.filter((d) => e.absent.includes(d)), path).toEqual([]);
      for (const d of [...e.detectors, ...e.absent]) expect(DETECTOR_IDS, path).toContain(d);
      if (e.status !== 'scanned') expect(e.detectors, path).toEqual([]);
      expect(e.records, path).toBeLessThanOrEqual(e.patients.length);
      if (e.detectors.length === 0) expect(e.records, path).toBe(0);
    }
    const union = new Set(entries.flatMap(([, e]) => e.patients));
    expect(manifest.distinctPatients).toBe(union.size);
    // Patients shared between files on purpose, so a cross-file count differs from the sum of records.
    const sum = entries.reduce((n, [, e]) => n + e.records, 0);
    expect(sum).toBeGreaterThan(manifest.distinctPatients);
  });

  it('matches the committed examples/ (rerun `pnpm example:share` after changing a generator)', async () => {
    const { files, manifest } = await buildExampleShare(office);
    const examples = fileURLToPath(new URL('../../../examples/', import.meta.url));
    const committed = JSON.parse(await readFile(join(examples, 'expected.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(manifest)));
    for (const [path, bytes] of files) {
      expect(sha256(await readFile(join(examples, 'share', ...path.split('/')))), path).toBe(sha256(bytes));
    }
  });
});
