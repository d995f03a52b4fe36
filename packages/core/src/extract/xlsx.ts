// Types only: exceljs takes a second to load and is the fallback now, so it is imported when first needed.
import type ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { zipFailure } from './docx.js';
import { failure, joinNotes, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';
import { readXlsxStreaming } from './xlsx-stream.js';
import { inflateAll, readZipEntries, type ZipEntry } from './zip.js';

/**
 * Part names exceljs looks up by exact spelling. Some writers use other casing (SharedStrings.xml) or
 * backslashes, and exceljs then loses the text without an error; such archives are re-packed under these
 * names before loading.
 */
const CANONICAL_PARTS = [
  '[Content_Types].xml',
  '_rels/.rels',
  'xl/workbook.xml',
  'xl/_rels/workbook.xml.rels',
  'xl/sharedStrings.xml',
  'xl/styles.xml',
];

export function canonicalName(name: string): string {
  const slashed = name.replace(/\\/g, '/').replace(/^\/+/, '');
  const lower = slashed.toLowerCase();
  return CANONICAL_PARTS.find((c) => c.toLowerCase() === lower) ?? slashed;
}

/** Re-packs (stored, not deflated: it is parsed right away) only when some name needs fixing. */
function normalisedArchive(bytes: Uint8Array, parts: Map<string, Uint8Array>): { data: Uint8Array; renamed: boolean } {
  let renamed = false;
  const files: Record<string, Uint8Array> = {};
  for (const [name, data] of parts) {
    const canonical = canonicalName(name);
    if (canonical !== name) renamed = true;
    files[canonical] = data;
  }
  return renamed ? { data: zipSync(files, { level: 0 }), renamed } : { data: bytes, renamed };
}

export function columnLetter(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Dates as the sheet shows them (ISO day, with the time when there is one), not serial numbers. */
export function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

function richText(parts: { text?: string }[] | undefined): string {
  return (parts ?? []).map((p) => p.text ?? '').join('');
}

/** The text of a cell value, typed by its shape; formula results and hyperlink targets included. */
function valueText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    if ('richText' in value) return richText(value.richText);
    if ('hyperlink' in value) {
      const text = typeof value.text === 'string' ? value.text : richText((value.text as { richText?: { text?: string }[] } | undefined)?.richText);
      // mailto: and query strings carry identifiers the label hides.
      return value.hyperlink && value.hyperlink !== text ? `${text} ${value.hyperlink}`.trim() : text;
    }
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      if (result instanceof Date) return isoDate(result);
      if (result === null || result === undefined) return '';
      if (typeof result === 'object') return '';
      return String(result);
    }
    if ('error' in value) return '';
  }
  return '';
}

function noteText(note: unknown): string {
  if (!note) return '';
  if (typeof note === 'string') return note;
  if (typeof note === 'object' && note !== null && 'texts' in note) return richText((note as { texts?: { text?: string }[] }).texts);
  return '';
}

/** Header/footer strings carry formatting codes (&L, &"Arial,Bold", &12, &P): keep the words only. */
export function headerFooterText(s: string): string {
  return s
    .replace(/&"[^"]*"/g, ' ')
    .replace(/&\d+/g, '')
    .replace(/&[LCR]/g, ' ')
    .replace(/&[A-Za-z]/g, ' ')
    .replace(/&&/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** A column label: short text with a letter in it, not a number, date or code written as text. */
export function isLabelText(t: string): boolean {
  const s = t.trim();
  return s !== '' && s.length <= 64 && /\p{L}/u.test(s) && !/^[\d\s.,:/+\-()$%#]+$/.test(s);
}

function isHeaderLabel(value: ExcelJS.CellValue): boolean {
  const t = typeof value === 'string' ? value : value && typeof value === 'object' && 'richText' in value ? richText(value.richText) : null;
  return t !== null && isLabelText(t);
}

/**
 * XLSX: the streaming reader first (a few times faster than exceljs and flat in memory on a 100k-row sheet),
 * exceljs for a workbook it cannot follow (missing parts, XML it cannot parse). Row 1 is taken as the header
 * when every cell in it is a text label, and gives each cell below its columnHeader.
 */
export async function extractXlsx(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  const streamed = readXlsxStreaming(bytes, limits, sink);
  if (streamed) return streamed;
  // The streaming reader may have handed over some cells before it gave up: exceljs starts from the first.
  sink?.reset();
  return extractXlsxWithExceljs(bytes, limits, sink);
}

/** XLSX through exceljs: every sheet and cell, cell notes and header/footer text. */
export async function extractXlsxWithExceljs(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  let entries: ZipEntry[];
  let archive: { data: Uint8Array; renamed: boolean };
  try {
    entries = readZipEntries(bytes);
    // exceljs (through jszip) trusts declared sizes; refuse bombs before it sees the archive.
    archive = normalisedArchive(bytes, inflateAll(bytes, entries, limits.maxInflatedBytes));
  } catch (err) {
    return zipFailure('xlsx', err);
  }

  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(archive.data.buffer, archive.data.byteOffset, archive.data.byteLength) as never);
  } catch {
    return failure('xlsx', 'corrupt', 'XLSX could not be parsed');
  }

  const collector = new SegmentCollector(limits.maxTextChars, sink);
  let unreadableCells = 0;
  let full = false;
  for (const sheet of workbook.worksheets) {
    if (full) break;
    const name = sheet.name;
    const headers = new Map<number, string>();
    const first = sheet.getRow(1);
    let firstCells = 0;
    let allLabels = true;
    first.eachCell({ includeEmpty: false }, (cell, col) => {
      firstCells++;
      if (isHeaderLabel(cell.value)) headers.set(col, valueText(cell.value).trim());
      else allLabels = false;
    });
    const hasHeader = firstCells > 0 && allLabels;
    if (!hasHeader) headers.clear();

    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      if (full) return;
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (full) return;
        let text = '';
        let note = '';
        try {
          // Merged cells other than the master repeat its value.
          if (cell.type === Excel.ValueType.Merge) return;
          text = valueText(cell.value);
          if (!text && cell.type !== Excel.ValueType.Null) text = cell.text ?? '';
          note = noteText(cell.note);
        } catch {
          // exceljs throws raw TypeErrors on some merged cells: lose the cell, keep the sheet.
          unreadableCells++;
          return;
        }
        const header = rowNumber > 1 ? headers.get(col) : undefined;
        const address = `${columnLetter(col)}${rowNumber}`;
        const base = {
          location: { sheet: name, cell: address, row: rowNumber, column: header ?? columnLetter(col) },
          ...(header ? { columnHeader: header } : {}),
          ...(hasHeader && rowNumber === 1 ? {} : { recordKey: `${name}:row:${rowNumber}` }),
        };
        if (text.trim() && !collector.add({ text, ...base })) full = true;
        if (note.trim() && !full && !collector.add({ text: note, ...base })) full = true;
      });
    });

    const hf = sheet.headerFooter ?? {};
    const hfKeys = ['oddHeader', 'oddFooter', 'evenHeader', 'evenFooter', 'firstHeader', 'firstFooter'] as const;
    for (const key of hfKeys) {
      const raw = hf[key];
      if (typeof raw !== 'string' || full) continue;
      const text = headerFooterText(raw);
      if (text && !collector.add({ text, location: { sheet: name, cell: key, row: 0, column: key } })) full = true;
    }
  }

  const degraded = joinNotes(
    unreadableCells > 0 ? `${unreadableCells} cell(s) could not be read` : undefined,
    archive.renamed ? 'non-standard part names were normalised' : undefined,
    collector.degradedNote(),
  );
  return { ok: true, format: 'xlsx', segments: collector.segments, ...(degraded ? { degraded } : {}) };
}
