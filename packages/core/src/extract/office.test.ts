import { makeDocx, makePdf, makeXlsx } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { extractText } from './index.js';
import { newArchiveBudget } from './archive-formats.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult, type TextSegment } from './types.js';

function ok(r: ExtractResult): TextSegment[] {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}: ${r.message}`);
  return r.segments;
}

function find(segments: TextSegment[], needle: string): TextSegment | undefined {
  return segments.find((s) => s.text.includes(needle));
}

describe('extractDocx', () => {
  it('reads body, header, footer, footnote, comment and text box with their parts', async () => {
    const docx = makeDocx({
      body: ['Referral letter', 'Patient seen on 2024-02-03.'],
      header: ['Zephyr Clinic — Patient: QUILLON ABERNATHY DOB 03/14/1962'],
      footer: ['MRN 00482913'],
      footnotes: ['Prior SSN on file 078-05-1120'],
      comments: ['Call back at (555) 010-4477'],
      textBoxes: ['Insurance ID ZX99812345'],
    });
    const r = await extractText(docx, '/share/letter.docx');
    expect(r.format).toBe('docx');
    const segs = ok(r);
    expect(find(segs, 'QUILLON ABERNATHY')?.location).toEqual({ part: 'word/header1.xml', paragraph: 1 });
    expect(find(segs, 'MRN 00482913')?.location).toEqual({ part: 'word/footer1.xml', paragraph: 1 });
    expect(find(segs, '078-05-1120')?.location).toMatchObject({ part: 'word/footnotes.xml' });
    expect(find(segs, '(555) 010-4477')?.location).toEqual({ part: 'word/comments.xml', paragraph: 1 });
    expect(find(segs, 'ZX99812345')?.location).toMatchObject({ part: 'word/document.xml' });
    expect(find(segs, 'Referral letter')?.location).toEqual({ part: 'word/document.xml', paragraph: 1 });
    // The body comes first, in paragraph order.
    expect(segs[0]?.text).toBe('Referral letter');
    expect(r.ok && r.degraded).toBeFalsy();
  });

  it('writes a DOCX that mammoth also opens, whose body mammoth agrees on', async () => {
    const mammoth = (await import('mammoth')).default;
    const docx = makeDocx({ body: ['Referral for JANE ROE'], header: ['Letterhead'], footnotes: ['n'], comments: ['c'], textBoxes: ['box'] });
    const raw = await mammoth.extractRawText({ buffer: Buffer.from(docx) });
    expect(raw.value).toContain('Referral for JANE ROE');
    // The very leak this extractor exists for: mammoth's raw text has no header.
    expect(raw.value).not.toContain('Letterhead');
    expect(raw.messages.filter((m) => m.type === 'error')).toEqual([]);
  });

  it('keeps tabs, breaks and deleted text, skips tab stops and VML fallback copies', async () => {
    const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
    const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
    const xml =
      `<?xml version="1.0"?><w:document xmlns:w="${W}" xmlns:mc="${MC}"><w:body>` +
      '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Name:</w:t><w:tab/><w:t>DOE</w:t><w:br/><w:t>JANE</w:t></w:r></w:p>' +
      '<w:p><w:del><w:r><w:delText>old SSN 078-05-1120</w:delText></w:r></w:del><w:ins><w:r><w:t>new</w:t></w:r></w:ins></w:p>' +
      '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></mc:Choice>' +
      '<mc:Fallback><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>' +
      '</w:body></w:document>';
    const zip = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'word/document.xml': strToU8(xml) });
    const segs = ok(await extractText(zip, 'x.docx'));
    expect(segs.map((s) => s.text)).toEqual(['Name:\tDOE\nJANE', 'old SSN 078-05-1120new', 'boxed']);
    expect(segs[2]?.location).toEqual({ part: 'word/document.xml', paragraph: 4 });
  });

  it('hands a sink the segments it would return, and takes them back when a later part fails', async () => {
    const docx = makeDocx({ body: ['Referral for JANE ROE', 'Seen 2024-02-03'], header: ['Letterhead'], footer: ['MRN 00482913'] });
    const sink = { added: [] as TextSegment[], resets: 0, add(segment: TextSegment) { this.added.push(segment); }, reset() { this.resets++; this.added = []; } };
    const streamed = await extractText(docx, 'letter.docx', DEFAULT_EXTRACT_LIMITS, { depth: 0, budget: newArchiveBudget(), sink });
    expect(streamed).toMatchObject({ ok: true, segments: [] });
    expect(sink.added).toEqual(ok(await extractText(docx, 'letter.docx')));
    expect(sink.resets).toBe(0);

    // The body is read, then the header part declares a DTD: the file is refused, and nothing of it stays behind.
    const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
    const body = `<w:document xmlns:w="${W}"><w:body><w:p><w:r><w:t>Patient JANE ROE</w:t></w:r></w:p></w:body></w:document>`;
    const header = `<?xml version="1.0"?><!DOCTYPE h [<!ENTITY x "x">]><w:hdr xmlns:w="${W}"><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:hdr>`;
    const refused = zipSync({ 'word/document.xml': strToU8(body), 'word/header1.xml': strToU8(header) });
    const failing = { ...sink, added: [] as TextSegment[], resets: 0 };
    const r = await extractText(refused, 'refused.docx', DEFAULT_EXTRACT_LIMITS, { depth: 0, budget: newArchiveBudget(), sink: failing });
    expect(r).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(failing.resets).toBe(1);
    expect(failing.added).toEqual([]);
  });

  it('hands a sink each paragraph once when the fast reader gives a part over to saxes part-way', async () => {
    const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
    const p = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;
    const cases = {
      // A processing instruction mid-body: plain-xml.ts leaves the part to saxes there.
      instruction: `<w:document xmlns:w="${W}"><w:body>${p('one')}${p('two')}<?page x?>${p('three')}</w:body></w:document>`,
      // A part cut short: plain-xml.ts finds out only at its end, after every paragraph.
      truncated: `<w:document xmlns:w="${W}"><w:body>${p('one')}${p('two')}${p('three')}<w:p><w:r><w:t>fo`,
    };
    for (const [name, xml] of Object.entries(cases)) {
      const zip = zipSync({ 'word/document.xml': strToU8(xml) });
      const sink = { added: [] as string[], add(segment: TextSegment) { this.added.push(segment.text); }, reset() { this.added = []; } };
      const r = await extractText(zip, 'x.docx', DEFAULT_EXTRACT_LIMITS, { depth: 0, budget: newArchiveBudget(), sink });
      expect(r.ok, name).toBe(true);
      expect(sink.added.slice(0, 3), name).toEqual(['one', 'two', 'three']);
      expect(sink.added, name).toEqual(ok(await extractText(zip, 'x.docx')).map((s) => s.text));
    }
  });

  it('fails the file when the sink throws, rather than taking the throw for damaged XML', async () => {
    const docx = makeDocx({ body: ['Referral for JANE ROE', 'Seen 2024-02-03'] });
    const sink = { add() { throw new Error('detector bug'); }, reset() {} };
    const r = await extractText(docx, 'letter.docx', DEFAULT_EXTRACT_LIMITS, { depth: 0, budget: newArchiveBudget(), sink });
    expect(r).toMatchObject({ ok: false, format: 'docx', reason: 'corrupt' });
  });

  it('reports a truncated DOCX as corrupt', async () => {
    const docx = makeDocx({ body: ['Patient JANE ROE'] });
    const r = await extractText(docx.subarray(0, Math.floor(docx.length / 2)), 'cut.docx');
    expect(r).toMatchObject({ ok: false, reason: 'corrupt', format: 'docx' });
  });

  it('refuses a part that inflates beyond the limit, even when it declares a small size', async () => {
    const big = new Uint8Array(4 * 1024 * 1024).fill(0x20);
    const zip = zipSync({ 'word/document.xml': big }, { level: 9 });
    const r = await extractText(zip, 'bomb.docx', { ...DEFAULT_EXTRACT_LIMITS, maxInflatedBytes: 1024 * 1024 });
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
    // Now lie about the size in both headers: the real inflated count must still stop it.
    const lying = new Uint8Array(zip);
    const dv = new DataView(lying.buffer);
    dv.setUint32(22, 100, true); // local header uncompressed size
    const cd = lying.length - 22 - 46 - 'word/document.xml'.length;
    expect(dv.getUint32(cd, true)).toBe(0x02014b50);
    dv.setUint32(cd + 24, 100, true); // central directory uncompressed size
    const r2 = await extractText(lying, 'bomb.docx', { ...DEFAULT_EXTRACT_LIMITS, maxInflatedBytes: 1024 * 1024 });
    expect(r2).toMatchObject({ ok: false, reason: 'too-large' });
    expect(r2.ok === false && r2.message).toMatch(/inflates beyond/);
  });

  it('does not expand billion-laughs entities', async () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>';
    const zip = zipSync({ 'word/document.xml': strToU8(lol) });
    const started = Date.now();
    const r = await extractText(zip, 'lol.docx');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r).toMatchObject({ ok: false, reason: 'corrupt' });
    expect(r.ok === false && r.message).toMatch(/DTD/);
  });

  it('a zip that is not an office document is an archive of members (see archive.test.ts)', async () => {
    const zip = zipSync({ 'notes.txt': strToU8('hello'), 'img/a.png': new Uint8Array([1, 2, 3]) });
    expect(await extractText(zip, 'archive.zip')).toMatchObject({ ok: true, format: 'zip', segments: [] });
  });
});

describe('extractXlsx', () => {
  it('reads two sheets with header labels, ISO dates, notes and header/footer', async () => {
    const xlsx = await makeXlsx([
      {
        name: 'Patients',
        rows: [
          ['Name', 'DOB', 'MRN', 'Visits'],
          ['QUILLON ABERNATHY', new Date(Date.UTC(1962, 2, 14)), 'MRN00482913', 3],
          ['JANE ROE', new Date(Date.UTC(1980, 11, 1)), 'MRN00482914', null],
        ],
        notes: { C3: 'Second chart number 771-22' },
        header: 'Zephyr Clinic census',
      },
      { name: 'Raw', rows: [[123, 'ZX99812345'], [456, 'ZX99812346']] },
    ]);
    const r = await extractText(xlsx, 'census.xlsx');
    expect(r.format).toBe('xlsx');
    const segs = ok(r);
    const dob = segs.find((s) => s.text === '1962-03-14');
    expect(dob).toMatchObject({
      location: { sheet: 'Patients', cell: 'B2', row: 2, column: 'DOB' },
      columnHeader: 'DOB',
      recordKey: 'Patients:row:2',
    });
    expect(find(segs, 'Second chart number')).toMatchObject({ location: { sheet: 'Patients', cell: 'C3' }, columnHeader: 'MRN' });
    expect(find(segs, 'Zephyr Clinic census')?.location).toMatchObject({ sheet: 'Patients', cell: 'oddHeader' });
    expect(segs.find((s) => s.text === '3')).toMatchObject({ columnHeader: 'Visits' });
    const raw = segs.find((s) => s.text === 'ZX99812346');
    expect(raw).toMatchObject({ location: { sheet: 'Raw', cell: 'B2', row: 2, column: 'B' }, recordKey: 'Raw:row:2' });
    expect(raw?.columnHeader).toBeUndefined();
  });

  it('reports a truncated XLSX as corrupt', async () => {
    const xlsx = await makeXlsx([{ name: 'S', rows: [['a']] }]);
    expect(await extractText(xlsx.subarray(0, xlsx.length - 200), 'cut.xlsx')).toMatchObject({ ok: false, reason: 'corrupt', format: 'xlsx' });
  });
});

describe('extractPdf', () => {
  it('gives one segment per page', async () => {
    const pdf = await makePdf([['Patient: JANE ROE', 'DOB 12/01/1980'], ['MRN 00482914']]);
    const r = await extractText(pdf, 'report.pdf');
    const segs = ok(r);
    expect(segs).toHaveLength(2);
    expect(segs[0]).toMatchObject({ location: { page: 1 } });
    expect(segs[0]?.text).toContain('JANE ROE');
    expect(segs[0]?.text).toContain('DOB 12/01/1980');
    expect(segs[1]).toMatchObject({ location: { page: 2 } });
    expect(segs[1]?.text).toContain('MRN 00482914');
  });

  it('reports a PDF without text as no-text', async () => {
    const pdf = await makePdf([[], []]);
    expect(await extractText(pdf, 'scan.pdf')).toMatchObject({ ok: false, reason: 'no-text' });
  });

  it('reports a truncated PDF as corrupt', async () => {
    const pdf = await makePdf([['Patient: JANE ROE']]);
    for (const cut of [400, pdf.length - 50]) {
      expect(await extractText(pdf.subarray(0, cut), 'cut.pdf')).toEqual({
        ok: false,
        format: 'pdf',
        reason: 'corrupt',
        message: 'PDF could not be parsed',
      });
    }
  });
});

describe('XLSX repair and limits', () => {
  it('reads workbooks whose writer capitalised SharedStrings.xml or used backslashes', async () => {
    const { unzipSync } = await import('fflate');
    const good = await makeXlsx([{ name: 'S', rows: [['Name'], ['QUILLON ABERNATHY']] }]);
    const files = unzipSync(good);
    const renamed: Record<string, Uint8Array> = {};
    for (const [name, data] of Object.entries(files)) {
      const out = name === 'xl/sharedStrings.xml' ? 'xl/SharedStrings.xml' : name.startsWith('xl/worksheets/') ? name.replace(/\//g, '\\') : name;
      renamed[out] = data;
    }
    const r = await extractText(zipSync(renamed), 'odd.xlsx');
    expect(find(ok(r), 'QUILLON ABERNATHY')).toMatchObject({ columnHeader: 'Name', location: { cell: 'A2' } });
    expect(r.ok && r.degraded).toMatch(/normalised/);
  });

  it('stops at maxTextChars and says so', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => [`PATIENT ${i}`]);
    const r = await extractText(await makeXlsx([{ name: 'S', rows }]), 'big.xlsx', { ...DEFAULT_EXTRACT_LIMITS, maxTextChars: 40 });
    const segs = ok(r);
    expect(segs.reduce((n, s) => n + s.text.length, 0)).toBe(40);
    expect(r.ok && r.degraded).toMatch(/truncated at 40/);
  });
});
