import type { SegmentCollector } from './limits.js';
import type { TextSegment } from './types.js';

/**
 * Spreadsheet cells read outside exceljs (ODS, legacy XLS) reported the way XLSX cells are: the sheet's first
 * row with text is the header row, every later cell carries its column's header as context, and each row
 * is a record.
 */

export interface SheetCell {
  /** 0-based */
  row: number;
  /** 0-based */
  col: number;
  text: string;
}

export function columnLetters(index: number): string {
  let n = index;
  let s = '';
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

/** Adds a sheet's cells in row order; false once the collector is full. */
export function addSheetCells(collector: SegmentCollector, sheet: string, cells: SheetCell[]): boolean {
  const sorted = [...cells].filter((c) => c.text.trim()).sort((a, b) => a.row - b.row || a.col - b.col);
  const headerRow = sorted[0]?.row;
  const headers = new Map(sorted.filter((c) => c.row === headerRow).map((c) => [c.col, c.text.replace(/\s+/g, ' ').trim()]));
  for (const cell of sorted) {
    const letter = columnLetters(cell.col);
    const isHeader = cell.row === headerRow;
    const header = headers.get(cell.col) ?? letter;
    const segment: TextSegment = {
      text: cell.text,
      location: { sheet, cell: `${letter}${cell.row + 1}`, row: cell.row + 1, column: isHeader ? letter : header },
    };
    if (!isHeader) {
      segment.columnHeader = header;
      segment.recordKey = `${sheet}:row:${cell.row + 1}`;
    }
    if (!collector.add(segment)) return false;
  }
  return true;
}
