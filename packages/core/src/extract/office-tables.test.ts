import { makeDocx } from '@phi-scan/synth';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { scanText } from '../scan.js';
import { extractText } from './index.js';
import type { ExtractResult } from './types.js';

// A registration form laid out as a two-column table (label cell, value cell), as Word and PowerPoint forms are.
const FORM: [string, string][] = [['Patient Name', 'Maria T Lopez'], ['DOB', '03/14/1957'], ['MRN', 'MR448812']];

function texts(r: ExtractResult): string[] {
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.segments.map((s) => s.text);
}

function docxWithTable(rows: readonly (readonly string[])[], nested?: string): Uint8Array {
  const files = unzipSync(makeDocx({ body: ['REGISTRATION'] }));
  const cell = (t: string) => `<w:tc><w:p><w:r><w:t>${t}</w:t></w:r></w:p></w:tc>`;
  const table = `<w:tbl>${rows.map((r) => `<w:tr>${r.map(cell).join('')}</w:tr>`).join('')}${nested ?? ''}</w:tbl>`;
  files['word/document.xml'] = strToU8(strFromU8(files['word/document.xml']!).replace('</w:body>', `${table}</w:body>`));
  return zipSync(files);
}

describe('tables in DOCX, PPTX and ODT', () => {
  it('reads a DOCX label/value row as "Label: value", so the value keeps its label', async () => {
    const segments = texts(await extractText(docxWithTable(FORM), 'form.docx'));
    expect(segments).toEqual(['REGISTRATION', 'Patient Name: Maria T Lopez', 'DOB: 03/14/1957', 'MRN: MR448812']);
    // The labels are what make the name, birth date and MRN findings at default confidence.
    const found = scanText(segments.join('\n'), { reveal: true }).findings.map((f) => f.detector);
    expect(found).toEqual(expect.arrayContaining(['name', 'dob', 'mrn']));
  });

  it('joins wider DOCX rows cell by cell with " | " and keeps a cell\'s paragraphs together', async () => {
    const files = unzipSync(makeDocx({ body: [] }));
    const row = '<w:tr><w:tc><w:p><w:r><w:t>MR448812</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Lopez</w:t></w:r></w:p><w:p><w:r><w:t>Maria</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>E11.9</w:t></w:r></w:p></w:tc></w:tr>';
    files['word/document.xml'] = strToU8(strFromU8(files['word/document.xml']!).replace('</w:body>', `<w:tbl>${row}</w:tbl></w:body>`));
    expect(texts(await extractText(zipSync(files), 'roster.docx')).filter(Boolean)).toEqual(['MR448812 | Lopez\nMaria | E11.9']);
  });

  it('reads a PPTX table (a:tbl) row by row', async () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree><p:graphicFrame><a:graphic><a:graphicData><a:tbl>' +
      FORM.map((r) => `<a:tr h="1">${r.map((c) => `<a:tc><a:txBody><a:bodyPr/><a:p><a:r><a:t>${c}</a:t></a:r></a:p></a:txBody></a:tc>`).join('')}</a:tr>`).join('') +
      '</a:tbl></a:graphicData></a:graphic></p:graphicFrame></p:spTree></p:cSld></p:sld>';
    const pptx = zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>'),
      'ppt/presentation.xml': strToU8('<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'),
      'ppt/slides/slide1.xml': strToU8(xml),
    });
    expect(texts(await extractText(pptx, 'deck.pptx'))).toEqual(['Patient Name: Maria T Lopez', 'DOB: 03/14/1957', 'MRN: MR448812']);
  });

  it('reads an ODT table row by row, a nested table inside the cell it sits in', async () => {
    const ns = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"';
    const cell = (t: string) => `<table:table-cell><text:p>${t}</text:p></table:table-cell>`;
    const nested = `<table:table-cell><table:table><table:table-row>${cell('Dx')}${cell('E11.9')}</table:table-row></table:table></table:table-cell>`;
    const content = `<?xml version="1.0"?><office:document-content ${ns}><office:body><office:text><text:p>Form</text:p><table:table>` +
      FORM.map((r) => `<table:table-row>${r.map(cell).join('')}</table:table-row>`).join('') +
      `<table:table-row>${cell('Problem')}${nested}</table:table-row></table:table></office:text></office:body></office:document-content>`;
    const odt = zipSync({
      mimetype: [strToU8('application/vnd.oasis.opendocument.text'), { level: 0 }],
      'content.xml': strToU8(content),
    });
    expect(texts(await extractText(odt, 'form.odt'))).toEqual(['Form', 'Patient Name: Maria T Lopez', 'DOB: 03/14/1957', 'MRN: MR448812', 'Problem: Dx: E11.9']);
  });
});
