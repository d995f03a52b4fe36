import { makeDocx } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
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

const A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const slide = (paras: string[]) =>
  `<?xml version="1.0"?><p:sld ${A}><p:cSld><p:spTree><p:sp><p:txBody>${paras.map((t) => `<a:p><a:r><a:t>${t}</a:t></a:r></a:p>`).join('')}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;

describe('PPTX', () => {
  const pptx = zipSync({
    '[Content_Types].xml': strToU8('<Types/>'),
    'ppt/presentation.xml': strToU8('<p:presentation/>'),
    'ppt/slides/slide10.xml': strToU8(slide(['Later slide'])),
    'ppt/slides/slide2.xml': strToU8(slide(['Case conference', 'Patient: Quillon Abernathy, DOB 03/14/1962'])),
    'ppt/notesSlides/notesSlide2.xml': strToU8(slide(['SSN on file 512-44-8391'])),
  });

  it('reads slides in order, then notes, with part and paragraph', async () => {
    expect(sniffFormat(pptx, 'deck.bin')).toBe('pptx');
    const segs = ok(await extractText(pptx, 'deck.pptx'));
    expect(segs.map((s) => s.text)).toEqual(['Case conference', 'Patient: Quillon Abernathy, DOB 03/14/1962', 'Later slide', 'SSN on file 512-44-8391']);
    expect(segs[1]!.location).toEqual({ part: 'ppt/slides/slide2.xml', paragraph: 2 });
    expect(segs[3]!.location).toEqual({ part: 'ppt/notesSlides/notesSlide2.xml', paragraph: 1 });
    const result = await analyzer.analyze(pptx, 'deck.pptx');
    expect(result.findings.map((f) => f.detector)).toEqual(expect.arrayContaining(['name', 'dob', 'ssn']));
  });
});

const ODF_NS = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"';

function odf(mimetype: string, content: string, styles = ''): Uint8Array {
  return zipSync({
    mimetype: [strToU8(mimetype), { level: 0 }],
    'content.xml': strToU8(`<?xml version="1.0"?><office:document-content ${ODF_NS}><office:body>${content}</office:body></office:document-content>`),
    ...(styles ? { 'styles.xml': strToU8(`<?xml version="1.0"?><office:document-styles ${ODF_NS}>${styles}</office:document-styles>`) } : {}),
    'META-INF/manifest.xml': strToU8('<manifest/>'),
  });
}

describe('OpenDocument', () => {
  it('reads ODT paragraphs and the page header from styles.xml', async () => {
    const odt = odf(
      'application/vnd.oasis.opendocument.text',
      '<office:text><text:h>Referral</text:h><text:p>Patient:<text:s/>Quillon Abernathy<text:line-break/>DOB: 03/14/1962</text:p></office:text>',
      '<office:master-styles><style:master-page><style:header><text:p>MRN 00482913</text:p></style:header></style:master-page></office:master-styles>',
    );
    expect(sniffFormat(odt, 'letter.odt')).toBe('odf');
    const r = await extractText(odt, 'letter.odt');
    expect(r.format).toBe('odt');
    const segs = ok(r);
    expect(segs.find((s) => s.text.startsWith('Patient'))).toMatchObject({ text: 'Patient: Quillon Abernathy\nDOB: 03/14/1962', location: { part: 'content.xml', paragraph: 2 } });
    expect(segs.find((s) => s.text === 'MRN 00482913')?.location).toEqual({ part: 'styles.xml', paragraph: 1 });
  });

  it('reads ODS cells with the header row as column context, one record per row, repeats expanded only where they hold text', async () => {
    const row = (cells: string[]) => `<table:table-row>${cells.map((c) => `<table:table-cell><text:p>${c}</text:p></table:table-cell>`).join('')}<table:table-cell table:number-columns-repeated="16000"/></table:table-row>`;
    const ods = odf(
      'application/vnd.oasis.opendocument.spreadsheet',
      `<office:spreadsheet><table:table table:name="Roster">${row(['MRN', 'Patient Name', 'DOB', 'SSN'])}${row(['00482913', 'Abernathy, Quillon', '03/14/1962', '512-44-8391'])}${row(['00519320', 'Vantongeren, Marisol', '11/02/1985', '437-21-6650'])}<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table></office:spreadsheet>`,
    );
    const r = await extractText(ods, 'roster.ods');
    expect(r.format).toBe('ods');
    const segs = ok(r);
    expect(segs.find((s) => s.text === '437-21-6650')).toMatchObject({
      location: { sheet: 'Roster', cell: 'D3', row: 3, column: 'SSN' },
      columnHeader: 'SSN',
      recordKey: 'Roster:row:3',
    });
    expect(segs).toHaveLength(12);
    expect((await analyzer.analyze(ods, 'roster.ods')).records).toBe(2);
  });
});

describe('RTF', () => {
  const rtf = String.raw`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}{\colortbl;\red0\green0\blue0;}
{\header \pard Riverside Clinic \endash  MRN 00482913\par}
{\*\generator Msftedit 5.41;}\pard\f0\fs24 Referral letter\par
Patient: Quillon Abernath\'e9 \u8212\'97 DOB: 03/14/1962\par
SSN: 512-44-8391\line seen {\b today}.\par
{\pict\pngblip 89504e470d0a1a0a0000000d49484452}
}`;

  it('reads paragraphs and the header, decoding escapes and skipping tables and pictures', async () => {
    expect(sniffFormat(Buffer.from(rtf, 'latin1'), 'letter.doc')).toBe('rtf');
    const segs = ok(await extractText(Buffer.from(rtf, 'latin1'), 'letter.rtf'));
    expect(segs.map((s) => [s.location, s.text.trim()])).toEqual([
      [{ part: 'header', paragraph: 1 }, 'Riverside Clinic – MRN 00482913'],
      [{ part: 'document', paragraph: 1 }, 'Referral letter'],
      [{ part: 'document', paragraph: 2 }, 'Patient: Quillon Abernathé — DOB: 03/14/1962'],
      [{ part: 'document', paragraph: 3 }, 'SSN: 512-44-8391\nseen today.'],
    ]);
  });
});

function eml(boundary: string, attachments: { name: string; type: string; data: Uint8Array }[]): string {
  return [
    'From: "Dr. Ellen Park" <epark@riverside.example>',
    'To: billing@riverside.example',
    'Subject: Records for Quillon Abernathy',
    'Date: Tue, 05 Nov 2024 09:12:00 -0500',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Patient: Quillon Abernathy',
    'DOB: 03/14/1962',
    'SSN: 512-44-8391',
    ...attachments.flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.type}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(a.data).toString('base64').replace(/.{76}/g, '$&\r\n'),
    ]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe('mail', () => {
  const roster = strToU8('MRN,Patient Name,DOB\n00519320,"Vantongeren, Marisol",11/02/1985\n');
  const letter = makeDocx({ body: ['Patient: Marisol Vantongeren DOB 11/02/1985 SSN 437-21-6650'] });
  const message = eml('b1', [
    { name: 'roster.csv', type: 'text/csv', data: roster },
    { name: 'letter.docx', type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: letter },
  ]);

  it('reads headers and body of an .eml and scans each attachment as a file of its own', async () => {
    expect(sniffFormat(Buffer.from(message), 'saved.txt')).toBe('eml');
    // Notes that open like headers are notes unless a mail program's headers are there too.
    expect(sniffFormat(Buffer.from('Date: 2024-10-15\nSubject: staff meeting\n\nAgenda'), 'notes.txt')).toBe('text');
    expect(sniffFormat(Buffer.from('From: a@b.example\nSubject: hi\n\nbody'), 'saved.eml')).toBe('eml');
    const results = await analyzer.analyzeAll(Buffer.from(message), '/s/mail.eml');
    expect(results.map((r) => [r.path, r.format, r.status])).toEqual([
      ['/s/mail.eml', 'eml', 'scanned'],
      ['/s/mail.eml!roster.csv', 'csv', 'scanned'],
      ['/s/mail.eml!letter.docx', 'docx', 'scanned'],
    ]);
    const [mail, csv, docx] = results;
    expect(mail!.members).toBe(2);
    const ssn = mail!.findings.find((f) => f.detector === 'ssn')!;
    expect(ssn.location).toMatchObject({ email: 1, section: 'body', line: 3 });
    const segs = ok(await extractText(Buffer.from(message), 'mail.eml'));
    expect(segs.find((s) => s.text === 'Records for Quillon Abernathy')?.location).toEqual({ email: 1, section: 'header Subject', line: 1 });
    expect(csv!.records).toBe(1);
    expect(docx!.findings.some((f) => f.detector === 'ssn')).toBe(true);
  });

  it('reads each message of an mbox, attachments named by message', async () => {
    const mbox = `From epark@riverside.example Tue Nov  5 09:12:00 2024\n${message.replace(/\r\n/g, '\n')}\nFrom x@riverside.example Wed Nov  6 10:00:00 2024\nFrom: x@riverside.example\nSubject: lunch\nDate: Wed, 06 Nov 2024 10:00:00 -0500\n\n>From the kitchen: pizza.\n`;
    expect(sniffFormat(Buffer.from(mbox), 'Inbox')).toBe('mbox');
    const results = await analyzer.analyzeAll(Buffer.from(mbox), '/s/Inbox');
    expect(results.map((r) => r.path)).toEqual(['/s/Inbox', '/s/Inbox!message-1/roster.csv', '/s/Inbox!message-1/letter.docx']);
    const r = await extractText(Buffer.from(mbox), 'Inbox');
    expect(ok(r).find((s) => s.text.includes('kitchen'))).toMatchObject({ text: expect.stringMatching(/^From the kitchen/), location: { email: 2, section: 'body' } });
  });
});
