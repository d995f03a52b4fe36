import CFB from 'cfb';
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

function container(streams: Record<string, Uint8Array>): Uint8Array {
  const cfb = CFB.utils.cfb_new();
  for (const [name, data] of Object.entries(streams)) CFB.utils.cfb_add(cfb, name, Buffer.from(data));
  return new Uint8Array(CFB.write(cfb, { type: 'buffer' }) as Buffer);
}

/**
 * A Word 97 file reduced to what the reader uses: the FIB's magic, flags (table stream 1Table) and fcClx/lcbClx,
 * the text as two pieces (one 8-bit, one UTF-16), and the piece table in 1Table.
 */
function makeDoc(parts: [string, boolean][]): Uint8Array {
  const word = Buffer.alloc(0x800);
  word.writeUInt16LE(0xa5ec, 0);
  word.writeUInt16LE(0x0200, 0x0a);
  const texts: Buffer[] = [];
  const pieces: { cp: number; fc: number }[] = [];
  let offset = 0x800;
  let cp = 0;
  for (const [text, wide] of parts) {
    const bytes = Buffer.from(text, wide ? 'utf16le' : 'latin1');
    pieces.push({ cp, fc: wide ? offset : (offset * 2) | 0x40000000 });
    texts.push(bytes);
    offset += bytes.length;
    cp += text.length;
  }
  const plc = Buffer.alloc((pieces.length + 1) * 4 + pieces.length * 8);
  pieces.forEach((p, i) => plc.writeUInt32LE(p.cp, i * 4));
  plc.writeUInt32LE(cp, pieces.length * 4);
  pieces.forEach((p, i) => plc.writeUInt32LE(p.fc >>> 0, (pieces.length + 1) * 4 + i * 8 + 2));
  const clx = Buffer.concat([Buffer.from([0x02]), Buffer.alloc(4), plc]);
  clx.writeUInt32LE(plc.length, 1);
  const table = Buffer.concat([Buffer.alloc(16), clx]);
  word.writeUInt32LE(16, 0x01a2);
  word.writeUInt32LE(clx.length, 0x01a6);
  return container({ WordDocument: Buffer.concat([word, ...texts]), '1Table': table });
}

function record(type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(type, 0);
  head.writeUInt16LE(data.length, 2);
  return Buffer.concat([head, data]);
}

function xlString(text: string): Buffer {
  const b = Buffer.alloc(3 + text.length);
  b.writeUInt16LE(text.length, 0);
  b.write(text, 3, 'latin1');
  return b;
}

/** A BIFF8 workbook: globals (a date XF, one sheet, a shared-string table split by CONTINUE), then the sheet. */
function makeXls(rows: (string | { date: number })[][]): Uint8Array {
  const strings = [...new Set(rows.flat().filter((v): v is string => typeof v === 'string'))];
  const sstBody = Buffer.concat([Buffer.alloc(8), ...strings.map(xlString)]);
  sstBody.writeUInt32LE(strings.length, 0);
  sstBody.writeUInt32LE(strings.length, 4);
  // Split the SST mid-string: the continuation restates the 8-bit flag, as Excel does.
  const cut = 8 + 3 + strings[0]!.length + 5;
  const sst = record(0x00fc, sstBody.subarray(0, cut));
  const cont = record(0x003c, Buffer.concat([Buffer.from([0x00]), sstBody.subarray(cut)]));
  const xf = (fmt: number) => {
    const b = Buffer.alloc(20);
    b.writeUInt16LE(fmt, 2);
    return record(0x00e0, b);
  };
  const sheetName = Buffer.concat([Buffer.alloc(6), Buffer.from([6, 0]), Buffer.from('Intake', 'latin1')]);
  const cells: Buffer[] = [];
  rows.forEach((row, r) =>
    row.forEach((v, c) => {
      if (typeof v === 'string') {
        const b = Buffer.alloc(10);
        b.writeUInt16LE(r, 0);
        b.writeUInt16LE(c, 2);
        b.writeUInt32LE(strings.indexOf(v), 6);
        cells.push(record(0x00fd, b));
      } else {
        const b = Buffer.alloc(14);
        b.writeUInt16LE(r, 0);
        b.writeUInt16LE(c, 2);
        b.writeUInt16LE(1, 4); // XF 1: a date format
        b.writeDoubleLE(v.date, 6);
        cells.push(record(0x0203, b));
      }
    }),
  );
  const bof = record(0x0809, Buffer.alloc(16));
  const eof = record(0x000a, Buffer.alloc(0));
  const book = Buffer.concat([bof, xf(0), xf(14), record(0x0085, sheetName), sst, cont, eof, bof, ...cells, eof]);
  return container({ Workbook: book });
}

function makeMsg(subject: string, body: string, attachment: { name: string; data: Uint8Array }): Uint8Array {
  const u = (s: string) => Buffer.from(s, 'utf16le');
  return container({
    '__properties_version1.0': Buffer.alloc(32),
    '__substg1.0_0037001F': u(subject),
    '__substg1.0_0C1A001F': u('Dr. Ellen Park'),
    '__substg1.0_1000001F': u(body),
    '__attach_version1.0_#00000000/__substg1.0_3707001F': u(attachment.name),
    '__attach_version1.0_#00000000/__substg1.0_37010102': Buffer.from(attachment.data),
  } as Record<string, Uint8Array>);
}

describe('legacy Word (.doc)', () => {
  const doc = makeDoc([
    ['Referral letter\rPatient: Quillon Abernathy\r', false],
    ['DOB: 03/14/1962 \u0013 HYPERLINK "http://x" \u0014SSN\u0015: 512-44-8391\r', true],
  ]);

  it('reads text through the piece table, 8-bit and UTF-16 pieces, field instructions dropped', async () => {
    expect(sniffFormat(doc, 'old.dat')).toBe('doc');
    const segs = ok(await extractText(doc, 'old.doc'));
    expect(segs.map((s) => s.text)).toEqual(['Referral letter', 'Patient: Quillon Abernathy', 'DOB: 03/14/1962 SSN: 512-44-8391']);
    expect(segs[2]!.location).toEqual({ part: 'WordDocument', paragraph: 3 });
    const result = await analyzer.analyze(doc, 'old.doc');
    expect(result.findings.map((f) => f.detector)).toEqual(expect.arrayContaining(['name', 'dob', 'ssn']));
  });

  it('reports a password-protected document as encrypted', async () => {
    const cfb = CFB.read(Buffer.from(doc), { type: 'buffer' });
    const word = Buffer.from(CFB.find(cfb, 'WordDocument')!.content as Uint8Array);
    word.writeUInt16LE(0x0300, 0x0a);
    const locked = container({ WordDocument: word, '1Table': Buffer.from(CFB.find(cfb, '1Table')!.content as Uint8Array) });
    expect(await extractText(locked, 'locked.doc')).toMatchObject({ ok: false, reason: 'encrypted' });
  });
});

describe('legacy Excel (.xls)', () => {
  it('reads BIFF8 cells with the header row as context, dates as ISO dates, one record per row', async () => {
    const xls = makeXls([
      ['MRN', 'Patient Name', 'DOB', 'SSN'],
      ['00482913', 'Abernathy, Quillon', { date: 22719 }, '512-44-8391'],
      ['00519320', 'Vantongeren, Marisol', { date: 31353 }, '437-21-6650'],
    ]);
    expect(sniffFormat(xls, 'export.bin')).toBe('xls');
    const segs = ok(await extractText(xls, 'export.xls'));
    expect(segs.find((s) => s.text === '1962-03-14')).toMatchObject({ location: { sheet: 'Intake', cell: 'C2', row: 2, column: 'DOB' }, columnHeader: 'DOB', recordKey: 'Intake:row:2' });
    expect(segs.find((s) => s.text === 'Vantongeren, Marisol')).toMatchObject({ columnHeader: 'Patient Name' });
    const result = await analyzer.analyze(xls, 'export.xls');
    expect(result.records).toBe(2);
  });
});

describe('Outlook (.msg)', () => {
  it('reads sender, subject and body, and hands attachments on as files', async () => {
    const msg = makeMsg('Records for Quillon Abernathy', 'Patient: Quillon Abernathy\r\nDOB: 03/14/1962\r\nSSN: 512-44-8391', {
      name: 'roster.csv',
      data: Buffer.from('MRN,Patient Name,DOB\n00519320,"Vantongeren, Marisol",11/02/1985\n'),
    });
    expect(sniffFormat(msg, 'mail.msg')).toBe('msg');
    const segs = ok(await extractText(msg, 'mail.msg'));
    expect(segs.find((s) => s.text.startsWith('Records'))?.location).toEqual({ email: 1, section: 'header Subject', line: 1 });
    const results = await analyzer.analyzeAll(msg, '/s/mail.msg');
    expect(results.map((r) => [r.path, r.format])).toEqual([
      ['/s/mail.msg', 'msg'],
      ['/s/mail.msg!roster.csv', 'csv'],
    ]);
    expect(results[0]!.findings.find((f) => f.detector === 'ssn')?.location).toMatchObject({ email: 1, section: 'body', line: 3 });
  });

  it('scans a forwarded Outlook item as a .msg of its own', async () => {
    const u = (t: string) => Buffer.from(t, 'utf16le');
    const msg = container({
      '__properties_version1.0': Buffer.alloc(32),
      '__substg1.0_0037001F': u('FW: labs'),
      '__attach_version1.0_#00000000/__substg1.0_3707001F': u('Lab results'),
      '__attach_version1.0_#00000000/__substg1.0_3701000D/__properties_version1.0': Buffer.alloc(24),
      '__attach_version1.0_#00000000/__substg1.0_3701000D/__substg1.0_0037001F': u('Lab results'),
      '__attach_version1.0_#00000000/__substg1.0_3701000D/__substg1.0_1000001F': u('Patient: Quillon Abernathy\r\nSSN: 512-44-8391'),
    });
    const results = await analyzer.analyzeAll(msg, '/s/fw.msg');
    expect(results.map((r) => [r.path, r.format])).toEqual([
      ['/s/fw.msg', 'msg'],
      ['/s/fw.msg!Lab results.msg', 'msg'],
    ]);
    expect(results[1]!.findings.some((f) => f.detector === 'ssn')).toBe(true);
  });
});

function pptRecord(version: number, type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(version, 0);
  head.writeUInt16LE(type, 2);
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

describe('legacy PowerPoint (.ppt)', () => {
  it('reads text atoms of slides and notes, named by slide', async () => {
    const slide = pptRecord(0x0f, 0x03ee, pptRecord(0, 0x0fa0, Buffer.from('Case conference\rPatient: Quillon Abernathy, DOB 03/14/1962', 'utf16le')));
    const notes = pptRecord(0x0f, 0x03f0, pptRecord(0, 0x0fa8, Buffer.from('SSN on file 512-44-8391', 'latin1')));
    const ppt = container({ 'PowerPoint Document': pptRecord(0x0f, 0x03e8, Buffer.concat([slide, notes])) });
    expect(sniffFormat(ppt, 'deck.ppt')).toBe('ppt');
    const segs = ok(await extractText(ppt, 'deck.ppt'));
    expect(segs.map((s) => [s.location, s.text])).toEqual([
      [{ part: 'slide 1', paragraph: 1 }, 'Case conference'],
      [{ part: 'slide 1', paragraph: 2 }, 'Patient: Quillon Abernathy, DOB 03/14/1962'],
      [{ part: 'notes 1', paragraph: 1 }, 'SSN on file 512-44-8391'],
    ]);
  });
});
