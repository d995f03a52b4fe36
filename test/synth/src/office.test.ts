import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { makeDocx, makePdf, makeXlsx, xmlEscape } from './office.js';

describe('makeDocx', () => {
  it('writes every part with a content type and a relationship, as Word requires', () => {
    const files = unzipSync(makeDocx({ body: ['A & B <c>'], header: ['h'], footer: ['f'], footnotes: ['n'], comments: ['c'], textBoxes: ['t'] }));
    const types = strFromU8(files['[Content_Types].xml']!);
    const rels = strFromU8(files['word/_rels/document.xml.rels']!);
    for (const part of ['header1.xml', 'footer1.xml', 'footnotes.xml', 'comments.xml']) {
      expect(files[`word/${part}`]).toBeDefined();
      expect(types).toContain(`PartName="/word/${part}"`);
      expect(rels).toContain(`Target="${part}"`);
    }
    const doc = strFromU8(files['word/document.xml']!);
    expect(doc).toContain('A &amp; B &lt;c&gt;');
    expect(doc).toContain('<w:headerReference w:type="default" r:id="rIdHeader1"/>');
    expect(doc).toContain('<w:txbxContent>');
    expect(strFromU8(files['_rels/.rels']!)).toContain('Target="word/document.xml"');
    expect(Object.keys(files)[0]).toBe('[Content_Types].xml');
  });

  it('escapes XML specials', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});

describe('makeXlsx', () => {
  it('round-trips through exceljs with dates as dates and notes', async () => {
    const bytes = await makeXlsx([{ name: 'P', rows: [['DOB'], [new Date(Date.UTC(1962, 2, 14))]], notes: { A2: 'note' } }]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as never);
    const cell = wb.getWorksheet('P')!.getCell('A2');
    expect(cell.value).toEqual(new Date(Date.UTC(1962, 2, 14)));
    expect(cell.numFmt).toBe('yyyy-mm-dd');
    expect(JSON.stringify(cell.note)).toContain('note');
  });
});

describe('makePdf', () => {
  it('writes one page per list of lines', async () => {
    const doc = await PDFDocument.load(await makePdf([['a'], ['b'], ['c']]));
    expect(doc.getPageCount()).toBe(3);
  });
  it('refuses more lines than fit on a page', async () => {
    await expect(makePdf([Array.from({ length: 44 }, () => 'x')])).rejects.toThrow(/at most 43/);
  });
});
