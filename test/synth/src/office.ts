import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { PDFDocument, StandardFonts } from 'pdf-lib';

/**
 * Writers of real office files for tests and the example share, built in code so no binary fixture has to
 * be trusted or checked in. Callers pass synthetic values only.
 */

export interface DocxContent {
  body: string[];
  header?: string[];
  footer?: string[];
  footnotes?: string[];
  comments?: string[];
  textBoxes?: string[];
}

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const REL_TYPE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const CT_MAIN = 'application/vnd.openxmlformats-officedocument.wordprocessingml';

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function run(text: string): string {
  return `<w:r><w:t xml:space="preserve">${xmlEscape(text)}</w:t></w:r>`;
}

function paragraph(text: string, extraRuns = ''): string {
  return `<w:p>${run(text)}${extraRuns}</w:p>`;
}

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A VML text box: the form every Word version reads, with the paragraphs inside w:txbxContent. */
function textBoxParagraph(text: string, index: number): string {
  return (
    `<w:p><w:r><w:pict><v:shape id="TextBox${index + 1}" type="#_x0000_t202" style="width:200pt;height:40pt">` +
    `<v:textbox><w:txbxContent>${paragraph(text)}</w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>`
  );
}

/** A minimal DOCX that Word, LibreOffice and mammoth open: each string is one paragraph. */
export function makeDocx(c: DocxContent): Uint8Array {
  const rels: { id: string; type: string; target: string; contentType: string; part: string }[] = [];
  const files: Record<string, Uint8Array> = {};
  const header = c.header ?? [];
  const footer = c.footer ?? [];
  const footnotes = c.footnotes ?? [];
  const comments = c.comments ?? [];
  const partRoot = (tag: string, inner: string): string =>
    `${XML_DECL}<w:${tag} xmlns:w="${W_NS}" xmlns:r="${R_NS}">${inner}</w:${tag}>`;

  if (header.length > 0) {
    rels.push({ id: 'rIdHeader1', type: 'header', target: 'header1.xml', contentType: `${CT_MAIN}.header+xml`, part: 'word/header1.xml' });
    files['word/header1.xml'] = strToU8(partRoot('hdr', header.map((t) => paragraph(t)).join('')));
  }
  if (footer.length > 0) {
    rels.push({ id: 'rIdFooter1', type: 'footer', target: 'footer1.xml', contentType: `${CT_MAIN}.footer+xml`, part: 'word/footer1.xml' });
    files['word/footer1.xml'] = strToU8(partRoot('ftr', footer.map((t) => paragraph(t)).join('')));
  }
  if (footnotes.length > 0) {
    rels.push({ id: 'rIdFootnotes', type: 'footnotes', target: 'footnotes.xml', contentType: `${CT_MAIN}.footnotes+xml`, part: 'word/footnotes.xml' });
    // Word expects the separator footnotes (ids -1 and 0) before the real ones.
    const notes = footnotes
      .map((t, i) => `<w:footnote w:id="${i + 1}"><w:p><w:r><w:footnoteRef/></w:r>${run(` ${t}`)}</w:p></w:footnote>`)
      .join('');
    files['word/footnotes.xml'] = strToU8(
      partRoot(
        'footnotes',
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>' +
          '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>' +
          notes,
      ),
    );
  }
  if (comments.length > 0) {
    rels.push({ id: 'rIdComments', type: 'comments', target: 'comments.xml', contentType: `${CT_MAIN}.comments+xml`, part: 'word/comments.xml' });
    const items = comments
      .map((t, i) => `<w:comment w:id="${i}" w:author="Synthetic Reviewer" w:initials="SR" w:date="2024-01-01T00:00:00Z">${paragraph(t)}</w:comment>`)
      .join('');
    files['word/comments.xml'] = strToU8(partRoot('comments', items));
  }

  const body: string[] = [];
  c.body.forEach((text, i) => {
    let extra = '';
    // Anchor every comment on the first paragraph and every footnote on the last, as Word would.
    if (i === 0 && comments.length > 0) {
      const starts = comments.map((_, k) => `<w:commentRangeStart w:id="${k}"/>`).join('');
      const ends = comments.map((_, k) => `<w:commentRangeEnd w:id="${k}"/><w:r><w:commentReference w:id="${k}"/></w:r>`).join('');
      body.push(`<w:p>${starts}${run(text)}${ends}</w:p>`);
      return;
    }
    if (i === c.body.length - 1) extra = footnotes.map((_, k) => `<w:r><w:footnoteReference w:id="${k + 1}"/></w:r>`).join('');
    body.push(paragraph(text, extra));
  });
  if (c.body.length === 0) body.push('<w:p/>');
  (c.textBoxes ?? []).forEach((t, i) => body.push(textBoxParagraph(t, i)));

  const headerRef = header.length > 0 ? '<w:headerReference w:type="default" r:id="rIdHeader1"/>' : '';
  const footerRef = footer.length > 0 ? '<w:footerReference w:type="default" r:id="rIdFooter1"/>' : '';
  const sectPr = `<w:sectPr>${headerRef}${footerRef}<w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>`;
  files['word/document.xml'] = strToU8(
    `${XML_DECL}<w:document xmlns:w="${W_NS}" xmlns:r="${R_NS}" xmlns:v="urn:schemas-microsoft-com:vml"><w:body>${body.join('')}${sectPr}</w:body></w:document>`,
  );

  files['word/_rels/document.xml.rels'] = strToU8(
    `${XML_DECL}<Relationships xmlns="${PKG_RELS_NS}">` +
      rels.map((r) => `<Relationship Id="${r.id}" Type="${REL_TYPE}/${r.type}" Target="${r.target}"/>`).join('') +
      '</Relationships>',
  );
  files['_rels/.rels'] = strToU8(
    `${XML_DECL}<Relationships xmlns="${PKG_RELS_NS}"><Relationship Id="rId1" Type="${REL_TYPE}/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  files['[Content_Types].xml'] = strToU8(
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/word/document.xml" ContentType="${CT_MAIN}.document.main+xml"/>` +
      rels.map((r) => `<Override PartName="/${r.part}" ContentType="${r.contentType}"/>`).join('') +
      '</Types>',
  );
  // [Content_Types].xml first, as Office writes it; some readers sniff it there.
  const ordered: Record<string, Uint8Array> = { '[Content_Types].xml': files['[Content_Types].xml']!, '_rels/.rels': files['_rels/.rels']! };
  for (const [name, data] of Object.entries(files)) if (!(name in ordered)) ordered[name] = data;
  return zipSync(ordered, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') });
}

export interface SheetContent {
  name: string;
  rows: (string | number | Date | null)[][];
  /** Cell comments by address, e.g. { B2: 'called patient' }. */
  notes?: Record<string, string>;
  /** Page header/footer text (printed on every page). */
  header?: string;
  footer?: string;
}

/** An XLSX written by exceljs; Date values get a date number format so they show as dates. */
export async function makeXlsx(sheets: SheetContent[]): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'phi-scan synth';
  workbook.created = new Date('2024-01-01T00:00:00Z');
  workbook.modified = workbook.created;
  for (const s of sheets) {
    const ws = workbook.addWorksheet(s.name);
    s.rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value === null || value === undefined) return;
        const cell = ws.getCell(r + 1, c + 1);
        cell.value = value;
        if (value instanceof Date) cell.numFmt = 'yyyy-mm-dd';
      });
    });
    for (const [address, text] of Object.entries(s.notes ?? {})) ws.getCell(address).note = text;
    if (s.header) ws.headerFooter.oddHeader = `&C${s.header}`;
    if (s.footer) ws.headerFooter.oddFooter = `&L${s.footer}`;
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}

/** A text PDF via pdf-lib: each page a list of lines in Helvetica (WinAnsi characters only). */
export async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setCreationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setModificationDate(new Date('2024-01-01T00:00:00Z'));
  doc.setProducer('phi-scan synth');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([612, 792]);
    let y = 740;
    // Fixed pages keep page numbers predictable for tests: a page that does not fit is the caller's error.
    if (lines.length > 43) throw new Error(`makePdf: at most 43 lines fit on a page (got ${lines.length})`);
    for (const line of lines) {
      page.drawText(line, { x: 56, y, size: 11, font });
      y -= 16;
    }
  }
  return doc.save({ useObjectStreams: false });
}
