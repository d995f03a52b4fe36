import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';

/**
 * RFC 4180 rows: quoted fields may hold the delimiter, CR/LF and doubled quotes; any of CRLF, LF or CR ends
 * a row. A stray quote inside an unquoted field is kept as text (Excel does the same) rather than failing
 * the file. Yields rows as they complete so a large file is not held twice.
 */
export function* parseDelimited(text: string, delimiter: string): Generator<string[]> {
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let fieldStarted = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      yield row;
      row = [];
      field = '';
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || field !== '' || row.length > 0) {
    row.push(field);
    yield row;
  }
}

/** A header cell is a label: it has a letter and is not a number, date, phone or ID-like value. */
function isLabel(cell: string): boolean {
  const t = cell.trim();
  if (!/\p{L}/u.test(t)) return false;
  if (t.length > 64) return false;
  return !/^[\d\s.,:/+\-()$%#]+$/.test(t);
}

/**
 * The first row is a header when every non-empty cell is a distinct label. 'certain' when the second row
 * holds a number, date or code (data under labels); 'uncertain' when both rows are all text, where a
 * headerless list of names looks the same as a header.
 */
export function headerRowKind(first: string[], second: string[] | undefined): 'none' | 'certain' | 'uncertain' {
  const cells = first.map((c) => c.trim()).filter((c) => c !== '');
  if (cells.length === 0) return 'none';
  if (!cells.every(isLabel)) return 'none';
  if (new Set(cells.map((c) => c.toLowerCase())).size !== cells.length) return 'none';
  if (!second) return 'uncertain';
  const next = second.map((c) => c.trim()).filter((c) => c !== '');
  return next.some((c) => !isLabel(c)) ? 'certain' : 'uncertain';
}

/** Picks ',' or ';' for CSV (European Excel writes ';'), looking only outside quotes on the first line. */
function guessCsvDelimiter(text: string): string {
  let commas = 0;
  let semicolons = 0;
  let inQuotes = false;
  for (let i = 0; i < text.length && i < 8192; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) break;
    else if (!inQuotes && c === ',') commas++;
    else if (!inQuotes && c === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

/** With a sink, rows go to it as they are parsed (see SegmentSink). */
function extractDelimited(format: 'csv' | 'tsv'): (bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink) => Promise<ExtractResult> {
  return async (bytes, limits, sink) => {
    const decoded = decodeText(bytes);
    if (!decoded) return failure(format, 'unsupported', 'binary file');
    const text = decoded.text;
    const delimiter = format === 'tsv' ? '\t' : guessCsvDelimiter(text);
    const rows = parseDelimited(text, delimiter);
    const collector = new SegmentCollector(limits.maxTextChars, sink);

    const first = rows.next();
    if (first.done) return { ok: true, format, segments: [], encoding: decoded.encoding };
    const second = rows.next();
    const headerKind = headerRowKind(first.value, second.done ? undefined : second.value);
    const hasHeader = headerKind !== 'none';
    const headers = hasHeader ? first.value.map((h) => h.trim()) : [];
    if (headerKind === 'uncertain') {
      // Taken as the header, but its cells may be a patient's row: scan them too (row 0, no record).
      first.value.forEach((cell, c) => {
        if (cell.trim()) collector.add({ text: cell, location: { row: 0, column: headers[c] || String(c + 1) } });
      });
    }

    let dataRow = 0;
    const emitRow = (cells: string[]): boolean => {
      dataRow++;
      // One key string per row, shared by its cells' findings until records are grouped.
      const recordKey = `row:${dataRow}`;
      for (let c = 0; c < cells.length; c++) {
        const value = cells[c]!;
        if (!value.trim()) continue;
        const header = headers[c] || undefined;
        const ok = collector.add({
          text: value,
          location: { row: dataRow, column: header ?? String(c + 1) },
          ...(header ? { columnHeader: header } : {}),
          recordKey,
        });
        if (!ok) return false;
      }
      return true;
    };

    let going = hasHeader ? true : emitRow(first.value);
    if (going && !second.done) going = emitRow(second.value);
    if (going) {
      for (const cells of rows) {
        if (!emitRow(cells)) break;
      }
    }
    const degraded = collector.degradedNote();
    return {
      ok: true,
      format,
      segments: collector.segments,
      encoding: decoded.encoding,
      ...(degraded ? { degraded } : {}),
    };
  };
}

export const extractCsv = extractDelimited('csv');
export const extractTsv = extractDelimited('tsv');
