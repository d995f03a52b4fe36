import { describe, expect, it } from 'vitest';
import { decodeText } from './encoding.js';
import { decodeHl7Escapes } from './hl7.js';
import { newArchiveBudget } from './archive-formats.js';
import { extractText } from './index.js';
import { extractPlainText, markupToText } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult, type TextSegment } from './types.js';

function ok(r: ExtractResult): TextSegment[] {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}: ${r.message}`);
  return r.segments;
}

function utf16le(s: string, bom: boolean): Uint8Array {
  const body = Buffer.from(s, 'utf16le');
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), body]) : body;
}

function utf16be(s: string): Uint8Array {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length + 2);
  be[0] = 0xfe;
  be[1] = 0xff;
  for (let i = 0; i < le.length; i += 2) {
    be[i + 2] = le[i + 1]!;
    be[i + 3] = le[i]!;
  }
  return be;
}

describe('decodeText', () => {
  const sample = 'Patient: Zoë Quillon\r\nSSN 078-05-1120\r\n';
  it('decodes UTF-16 LE with a BOM', () => {
    expect(decodeText(utf16le(sample, true))).toEqual({ text: sample, encoding: 'utf-16le' });
  });
  it('decodes BOM-less UTF-16 LE by its NUL pattern', () => {
    expect(decodeText(utf16le(sample, false))).toEqual({ text: sample, encoding: 'utf-16le' });
  });
  it('decodes UTF-16 BE with a BOM', () => {
    expect(decodeText(utf16be(sample))).toEqual({ text: sample, encoding: 'utf-16be' });
  });
  it('decodes UTF-8 with and without a BOM', () => {
    expect(decodeText(Buffer.from(sample, 'utf8'))).toEqual({ text: sample, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample)]))).toEqual({ text: sample, encoding: 'utf-8' });
  });
  it('falls back to Latin-1 when the bytes are not UTF-8', () => {
    expect(decodeText(Buffer.from(sample, 'latin1'))).toEqual({ text: sample, encoding: 'latin1' });
  });
  it('keeps a UTF-8 file cut inside a multi-byte character as UTF-8', () => {
    const bytes = Buffer.from('Name: Zoë', 'utf8');
    expect(decodeText(bytes.subarray(0, bytes.length - 1))?.encoding).toBe('utf-8');
  });
  it('returns null for binary data', () => {
    expect(decodeText(new Uint8Array([0x41, 0x00, 0x01, 0x02, 0x42, 0x03, 0x00, 0xff, 0x10, 0x11]))).toBeNull();
  });
});

describe('plain text and markup', () => {
  it('reads UTF-16 text files whatever the BOM', async () => {
    for (const bytes of [utf16le('DOB 03/14/1962\n', true), utf16le('DOB 03/14/1962\n', false), utf16be('DOB 03/14/1962\n')]) {
      const r = await extractText(bytes, 'notes.txt');
      expect(ok(r)[0]?.text).toBe('DOB 03/14/1962\n');
    }
  });

  it('strips HTML tags, even inside a label, and decodes entities', async () => {
    const html = '<html><body>\n<p>D<span>O</span>B: <b>03/14/1962</b></p>\n<p>Name: Ab&eacute;rnathy &amp; Co</p>\n<input name="ssn" value="078-05-1120">\n</body></html>';
    const segs = ok(await extractText(Buffer.from(html), 'chart.html'));
    const text = segs[0]!.text;
    expect(text).toContain('DOB: 03/14/1962');
    expect(text).toContain('Name: Abérnathy & Co');
    expect(text).toContain('078-05-1120');
    expect(text).not.toContain('<');
    // Line structure survives: the DOB is still on line 2.
    expect(text.split('\n')[1]).toContain('DOB: 03/14/1962');
  });

  it('keeps XML text and attribute values', () => {
    const xml = '<?xml version="1.0"?>\n<patient id="MRN00482913">\n  <name>QUILLON<![CDATA[ & ABERNATHY]]></name>\n</patient>';
    const text = markupToText(xml, 'xml');
    expect(text).toContain('id: MRN00482913');
    expect(text).toContain('QUILLON & ABERNATHY');
    expect(text.split('\n')[2]).toContain('QUILLON');
  });

  it('treats binary bytes named .txt as unsupported', async () => {
    const bytes = new Uint8Array(512);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37) % 256;
    expect(await extractText(bytes, 'secret.txt')).toMatchObject({ ok: false, reason: 'unsupported', message: 'binary file' });
  });

  it('an empty file is ok with no segments', async () => {
    expect(await extractText(new Uint8Array(0), 'empty.txt')).toEqual({ ok: true, format: 'empty', segments: [] });
  });

  // What the analyzer asks for: its detectors read an ASCII file from the bytes.
  const lazy = () => ({ depth: 0, budget: newArchiveBudget(), lazyAscii: true });

  it('hands an ASCII file to the detectors as its bytes, with the same text when it is read', async () => {
    // Past the sniff's 64 KiB head, so the text is not made by the sniff either.
    const text = 'Visit notes, nothing else.\r\n'.repeat(4000);
    const bytes = Buffer.from(text, 'latin1');
    const result = await extractText(bytes, 'notes.log', DEFAULT_EXTRACT_LIMITS, lazy());
    expect(result).toMatchObject({ ok: true, format: 'text', encoding: 'utf-8' });
    const [segment] = ok(result);
    expect(segment!.ascii).toBe(bytes);
    expect(segment!.location).toEqual({ line: 1 });
    expect(segment!.text).toBe(text);
  });

  it('gives a caller that did not ask for bytes a plain segment it can copy, clone and serialise', async () => {
    const text = 'Visit notes, nothing else.\n'.repeat(4000);
    const [segment] = ok(await extractText(Buffer.from(text, 'latin1'), 'notes.log'));
    expect(segment).toEqual({ text, location: { line: 1 } });
    expect(structuredClone(segment)!.text).toBe(text);
    expect(JSON.parse(JSON.stringify(segment)).text).toBe(text);
  });

  it('decodes as before what is markup or is only blank', async () => {
    const page = ok(await extractText(Buffer.from(`<html><body>${'<p>Visit notes</p>\n'.repeat(5000)}</body></html>`), 'page.txt', DEFAULT_EXTRACT_LIMITS, lazy()));
    expect(page[0]!.ascii).toBeUndefined();
    expect(page[0]!.text).not.toContain('<p>');
    expect(ok(await extractText(Buffer.from(' \t\r\n'.repeat(30000)), 'blank.txt', DEFAULT_EXTRACT_LIMITS, lazy()))).toEqual([]);
  });

  it('hands a UTF-8 file that is not all ASCII to the detectors as its bytes, with the same text when it is read', async () => {
    const text = 'Café visit notes — nothing else, 会议记录.\n'.repeat(5000);
    const bytes = Buffer.from(text, 'utf8');
    const result = await extractText(bytes, 'notes.txt', DEFAULT_EXTRACT_LIMITS, lazy());
    expect(result).toMatchObject({ ok: true, format: 'text', encoding: 'utf-8' });
    const [segment] = ok(result);
    expect(segment!.ascii).toBeUndefined();
    expect(segment!.utf8).toBe(bytes);
    expect(segment!.text).toBe(text);
    // What the decoded path gives a caller that did not ask for bytes.
    expect(ok(await extractText(bytes, 'notes.txt'))).toEqual([{ text, location: { line: 1 } }]);
  });

  it('decodes as before UTF-8 that is markup past leading blanks, only blank, cut mid-character, or Latin-1', async () => {
    const nbsp = '\u00a0'.repeat(300);
    const page = ok(await extractText(Buffer.from(`${nbsp}<html><body>${'<p>Visit — notes</p>\n'.repeat(3000)}</body></html>`, 'utf8'), 'page.txt', DEFAULT_EXTRACT_LIMITS, lazy()));
    expect(page[0]!.utf8).toBeUndefined();
    expect(page[0]!.text).not.toContain('<p>');
    expect(ok(await extractText(Buffer.from(`${nbsp}\n\u3000 \r\n`.repeat(2000), 'utf8'), 'blank.txt', DEFAULT_EXTRACT_LIMITS, lazy()))).toEqual([]);
    const cut = Buffer.from(`${'Café notes — 会议\n'.repeat(5000)}会`, 'utf8');
    const cutResult = await extractText(cut.subarray(0, cut.length - 1), 'cut.txt', DEFAULT_EXTRACT_LIMITS, lazy());
    expect(ok(cutResult)[0]!.utf8).toBeUndefined();
    expect(cutResult).toMatchObject({ encoding: 'utf-8' });
    const latin1 = ok(await extractText(Buffer.from('Caf\xe9 notes\n'.repeat(5000), 'latin1'), 'old.txt', DEFAULT_EXTRACT_LIMITS, lazy()));
    expect(latin1[0]!.utf8).toBeUndefined();
    expect(latin1[0]!.text.startsWith('Café')).toBe(true);
  });

  it('reads markup past ASCII blanks or Unicode ones as markup, and a plain or `<` opening from the bytes', async () => {
    // extractPlainText as the analyzer calls it for text the sniff found single-byte.
    const plain = (text: string, extension = 'txt') => extractPlainText(Buffer.from(text, 'utf8'), DEFAULT_EXTRACT_LIMITS, extension, true, true);
    const body = '<p>Visit notes</p>\n'.repeat(100);
    for (const opening of [' \r\n\t<html><body>', '\u00a0\u3000 <HTML><body>', `${' '.repeat(400)}<!DOCTYPE html>`]) {
      const [segment] = ok(await plain(`${opening}${body}</body></html>`));
      expect(segment!.ascii ?? segment!.utf8).toBeUndefined();
      expect(segment!.text).not.toContain('<p>');
    }
    // Past the head's 512 characters of blanks the text opens with nothing, as before.
    expect(ok(await plain(`${' '.repeat(600)}<html>${body}`))[0]!.ascii).toBeDefined();
    for (const text of [`Visit notes <html> ${body}`, `<note>${body}`, `Zoë's notes <html> ${body}`]) {
      const [segment] = ok(await plain(text));
      expect(segment!.ascii ?? segment!.utf8).toBeDefined();
      expect(segment!.text).toBe(text);
    }
    expect(ok(await plain(`Visit notes ${body}`, 'html'))[0]!.text).not.toContain('<p>');
  });

  it('keeps the character limit: a file past it is cut as before', async () => {
    const limits = { ...DEFAULT_EXTRACT_LIMITS, maxTextChars: 100_000 };
    const result = await extractText(Buffer.from('x'.repeat(150_000)), 'long.txt', limits, lazy());
    expect(ok(result)[0]!.text.length).toBe(100_000);
    expect(ok(result)[0]!.ascii).toBeUndefined();
    expect(result).toMatchObject({ degraded: 'text truncated at 100000 characters' });
  });
});

describe('CSV and TSV', () => {
  it('parses quotes, doubled quotes, CRLF and embedded newlines with a header row', async () => {
    const csv = 'Name,DOB,Note\r\n"ABERNATHY, QUILLON",03/14/1962,"line one\r\nsays ""hi"""\r\nJANE ROE,12/01/1980,\r\n';
    const segs = ok(await extractText(Buffer.from(csv), 'patients.csv'));
    expect(segs).toContainEqual({
      text: 'ABERNATHY, QUILLON',
      location: { row: 1, column: 'Name' },
      columnHeader: 'Name',
      recordKey: 'row:1',
    });
    expect(segs.find((s) => s.location.toString() && s.text.startsWith('line one'))?.text).toBe('line one\r\nsays "hi"');
    expect(segs.find((s) => s.text === '12/01/1980')).toMatchObject({ location: { row: 2, column: 'DOB' }, recordKey: 'row:2' });
    expect(segs).toHaveLength(5);
  });

  it('uses 1-based column numbers when the first row is data', async () => {
    const segs = ok(await extractText(Buffer.from('JANE ROE\t078-05-1120\nJOHN ROE\t078-05-1121\n'), 'x.tsv'));
    expect(segs[0]).toEqual({ text: 'JANE ROE', location: { row: 1, column: '1' }, recordKey: 'row:1' });
    expect(segs[3]).toMatchObject({ text: '078-05-1121', location: { row: 2, column: '2' } });
  });
});

describe('HL7 v2', () => {
  const batch = [
    'MSH|^~\\&|LAB|ZEPHYR|EHR|ZEPHYR|20240203101500||ADT^A01|MSG0001|P|2.5',
    'PID|1||MRN00482913^^^ZEPHYR^MR||ABERNATHY^QUILLON^A||19620314|F|||12 Elm St^^Springfield^IL^62701||(555)010-4477|||||ACCT1|078-05-1120',
    'NTE|1||Called \\T\\ left note\\.br\\Family: ROE\\S\\JANE',
    'MSH|^~\\&|LAB|ZEPHYR|EHR|ZEPHYR|20240203101600||ADT^A01|MSG0002|P|2.5',
    'PID|1||MRN00482914^^^ZEPHYR^MR||ROE^JANE||19801201|F',
    'DG1|1||E11.9^Type 2 diabetes^I10',
    '',
  ].join('\r');

  it('splits a batch into messages with field ids, labels and escapes decoded', async () => {
    const r = await extractText(Buffer.from(batch), 'feed.dat');
    expect(r.format).toBe('hl7');
    const segs = ok(r);
    expect(segs.find((s) => s.text === '078-05-1120')).toEqual({
      text: '078-05-1120',
      location: { message: 1, field: 'PID-19', line: 2 },
      columnHeader: 'SSN Number',
      recordKey: 'message:1',
    });
    expect(segs.find((s) => s.text === 'ABERNATHY^QUILLON^A')).toMatchObject({ columnHeader: 'Patient Name' });
    expect(segs.find((s) => s.location.toString() && s.text.startsWith('Called'))?.text).toBe('Called & left note\nFamily: ROE^JANE');
    expect(segs.find((s) => s.text === 'ROE^JANE')).toMatchObject({ location: { message: 2, field: 'PID-5', line: 5 }, recordKey: 'message:2' });
    expect(segs.find((s) => s.text.startsWith('E11.9'))).toMatchObject({ columnHeader: 'Diagnosis Code ICD-10', location: { field: 'DG1-3' } });
    expect(segs.find((s) => s.text === 'MSG0002')).toMatchObject({ location: { message: 2, field: 'MSH-10' } });
    expect(segs.some((s) => s.text === '^~\\&')).toBe(false);
  });

  it('gives each repetition of an identifier field its ID alone, without authority and type code', async () => {
    const feed = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||M3546284^^^RFM^MR~55501^^^LAB^PI||DOE^JOHN\r';
    const segs = ok(await extractText(Buffer.from(feed), 'feed.txt'));
    expect(segs.filter((s) => s.location.toString() && 'field' in s.location && s.location.field === 'PID-3').map((s) => s.text)).toEqual([
      'M3546284',
      '55501',
    ]);
  });

  it('accepts LF and CRLF terminators and other delimiters', async () => {
    const lf = 'MSH#*~\\&#A#B#C#D#20240101##ADT*A01#1#P#2.5\nPID#1##X1##DOE*JOHN\n';
    const segs = ok(await extractText(Buffer.from(lf), 'a.hl7'));
    expect(segs.find((s) => s.text === 'DOE*JOHN')).toMatchObject({ location: { field: 'PID-5', line: 2 } });
    expect(decodeHl7Escapes('a\\F\\b\\X41\\c')).toBe('a|bAc');
  });
});

describe('text that mentions %PDF-', () => {
  it('is read as text when it does not parse as a PDF', async () => {
    const r = await extractText(Buffer.from('upload log: file started with %PDF-1.4 header\nSSN 078-05-1120\n'), 'upload.log');
    expect(r).toMatchObject({ ok: true, format: 'text' });
    expect(ok(r)[0]?.text).toContain('078-05-1120');
  });
});
