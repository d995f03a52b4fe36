/**
 * Forms laid out as tables, the way word processors lay out registration forms: a label cell and a value
 * cell per row. Deterministic like office.ts: the same rows give the same bytes.
 */
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { fixedZip } from './containers.js';
import { escapeXml } from './format.js';

/** Adds a table (one w:tr per row, one w:tc per cell) at the end of a DOCX body, before its section properties. */
export function docxWithTable(docx: Uint8Array, rows: readonly (readonly string[])[]): Uint8Array {
  const files = unzipSync(docx);
  const cell = (t: string) => `<w:tc><w:tcPr><w:tcW w:w="4680" w:type="dxa"/></w:tcPr><w:p><w:r><w:t xml:space="preserve">${escapeXml(t)}</w:t></w:r></w:p></w:tc>`;
  const table = `<w:tbl><w:tblPr><w:tblW w:w="9360" w:type="dxa"/></w:tblPr>${rows.map((r) => `<w:tr>${r.map(cell).join('')}</w:tr>`).join('')}</w:tbl>`;
  const xml = strFromU8(files['word/document.xml']!);
  const at = xml.lastIndexOf('<w:sectPr');
  files['word/document.xml'] = strToU8(at >= 0 ? `${xml.slice(0, at)}${table}<w:p/>${xml.slice(at)}` : xml.replace('</w:body>', `${table}</w:body>`));
  return fixedZip(files);
}
