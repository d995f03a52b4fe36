import { SaxesParser } from 'saxes';
import { SegmentCollector } from './limits.js';
import { localName, packageFailure, paragraphsOf, readPart, type Paragraph } from './package-text.js';
import { addSheetCells, type SheetCell } from './sheet-cells.js';
import { findEntry, readZipEntries, type ZipEntry } from './zip.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';

/**
 * OpenDocument (ODT, ODS, ODP; also their templates and flat variants inside a zip). Text documents and
 * presentations are paragraphs of content.xml, with page headers and footers from styles.xml and the
 * document's properties from meta.xml; spreadsheets are cells with the sheet's first row as column headers,
 * one record per row, as for XLSX.
 */

const TEXT_RULES = {
  paragraphs: new Set(['p', 'h']),
  characters: { 'line-break': '\n', tab: '\t', s: ' ' },
  table: { row: 'table-row', cell: 'table-cell' },
};
const META_RULES = { paragraphs: new Set(['title', 'subject', 'description', 'creator', 'initial-creator', 'keyword']) };
/** An ODS row or column repeated this often is the empty rest of the sheet, not data. */
const MAX_REPEAT_READ = 1000;
const MAX_DEPTH = 256;

function kindOf(bytes: Uint8Array, entries: ZipEntry[]): 'odt' | 'ods' | 'odp' {
  const mimetype = findEntry(entries, 'mimetype');
  const start = mimetype ? mimetype.localHeaderOffset + 30 : 0;
  const head = Buffer.from(bytes.subarray(start, start + 120)).toString('latin1');
  if (head.includes('opendocument.spreadsheet')) return 'ods';
  if (head.includes('opendocument.presentation')) return 'odp';
  return 'odt';
}

/**
 * Cells with text, in order, with repeated rows and columns expanded only as far as they hold text. What
 * `onSheet` throws (detection, with a sink) is thrown from here, not taken for damaged XML.
 */
function spreadsheetCells(xml: string, onSheet: (name: string, cells: SheetCell[]) => boolean): boolean {
  let sheetError: { error: unknown } | undefined;
  const guardedOnSheet = (name: string, cells: SheetCell[]): boolean => {
    try {
      return onSheet(name, cells);
    } catch (error) {
      sheetError = { error };
      throw error;
    }
  };
  const parser = new SaxesParser({ xmlns: false });
  let sheet: { name: string; cells: SheetCell[] } | undefined;
  let row = 0;
  let rowRepeat = 1;
  let col = 0;
  let colRepeat = 1;
  let cellText: string[] | undefined;
  let paragraphs = 0;
  let depth = 0;
  let keepGoing = true;
  parser.on('doctype', () => {
    throw new Error('DTD');
  });
  parser.on('opentag', (tag) => {
    if (++depth > MAX_DEPTH) throw new Error('too deep');
    const name = localName(tag.name);
    const attr = (n: string) => tag.attributes[`table:${n}`] as string | undefined;
    if (name === 'table') {
      sheet = { name: attr('name') ?? 'Sheet', cells: [] };
      row = 0;
    } else if (name === 'table-row') {
      rowRepeat = Math.max(1, Number(attr('number-rows-repeated') ?? 1) || 1);
      col = 0;
    } else if (name === 'table-cell' || name === 'covered-table-cell') {
      colRepeat = Math.max(1, Number(attr('number-columns-repeated') ?? 1) || 1);
      cellText = [];
      paragraphs = 0;
    } else if (cellText && name === 'p') {
      if (paragraphs++ > 0) cellText.push('\n');
    } else if (cellText && name === 's') cellText.push(' ');
    else if (cellText && (name === 'line-break' || name === 'tab')) cellText.push(name === 'tab' ? '\t' : '\n');
  });
  parser.on('text', (t) => {
    cellText?.push(t);
  });
  parser.on('closetag', (tag) => {
    depth--;
    const name = localName(tag.name);
    if ((name === 'table-cell' || name === 'covered-table-cell') && cellText) {
      const text = cellText.join('');
      if (text.trim() && sheet) {
        // A repeated cell with text is expanded, but never past MAX_REPEAT_READ copies in all.
        const rows = Math.min(rowRepeat, MAX_REPEAT_READ);
        const cols = Math.min(colRepeat, Math.max(1, Math.floor(MAX_REPEAT_READ / rows)));
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) sheet.cells.push({ row: row + r, col: col + c, text });
        }
      }
      col += colRepeat;
      cellText = undefined;
    } else if (name === 'table-row') row += rowRepeat;
    else if (name === 'table' && sheet) {
      if (keepGoing) keepGoing = guardedOnSheet(sheet.name, sheet.cells);
      sheet = undefined;
    }
  });
  try {
    parser.write(xml).close();
    return false;
  } catch {
    if (sheetError) throw sheetError.error;
    if (sheet && keepGoing) onSheet(sheet.name, sheet.cells);
    return true;
  }
}

/** With a sink, text goes to detection as each part (or sheet) is read (see paragraphsOf). */
export async function extractOdf(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  try {
    const entries = readZipEntries(bytes);
    const kind = kindOf(bytes, entries);
    const collector = new SegmentCollector(limits.maxTextChars, sink);
    let damaged = 0;
    const content = findEntry(entries, 'content.xml');
    if (content && kind === 'ods') {
      const broken = spreadsheetCells(readPart(bytes, content, limits), (sheet, cells) => addSheetCells(collector, sheet, cells));
      if (broken) damaged++;
    }
    const textParts = [kind === 'ods' ? undefined : 'content.xml', 'styles.xml', 'meta.xml'];
    for (const name of textParts) {
      const entry = name ? findEntry(entries, name) : undefined;
      if (!entry || collector.full) continue;
      const keep = (p: Paragraph): void => void collector.add({ text: p.text, location: { part: entry.name, paragraph: p.paragraph } });
      const { damaged: broken } = paragraphsOf(readPart(bytes, entry, limits), name === 'meta.xml' ? META_RULES : TEXT_RULES, keep);
      if (broken) damaged++;
    }
    const notes = [collector.degradedNote(), damaged ? `${damaged} parts damaged; text after the damage not read` : undefined].filter(Boolean).join('; ');
    return { ok: true, format: kind, segments: collector.segments, ...(notes ? { degraded: notes } : {}) };
  } catch (err) {
    // What the sink was given is taken back with the file.
    sink?.reset();
    return packageFailure('odf', err);
  }
}
