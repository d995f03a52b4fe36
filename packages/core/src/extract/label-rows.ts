/**
 * Table rows of pages and Markdown rendered as one line of "Label: value" pairs, so the detectors' label rules
 * (`DOB: …`, `Patient Name: …`) apply to values that a layout puts in a cell beside or under their label.
 */

export interface RowCell {
  text: string;
  /** A header cell (<th>, a Markdown header row). */
  header: boolean;
}

/** Second-column headers that say "this column holds the values", as in a two-column field/value table. */
const VALUE_COLUMN_HEADERS = new Set(['value', 'values', 'detail', 'details', 'info', 'information', 'data', '']);

function labelOf(text: string): string {
  return text.replace(/\s*:\s*$/, '');
}

/** Joins labels and values; ' | ' stops a name or a date from running on into the next cell. */
function pairs(labels: readonly string[], cells: readonly RowCell[]): string {
  const out: string[] = [];
  cells.forEach((cell, i) => {
    if (!cell.text) return;
    const label = labels[i] ? labelOf(labels[i]!) : '';
    out.push(label ? `${label}: ${cell.text}` : cell.text);
  });
  return out.join(' | ');
}

/**
 * One row as text. A header cell followed by values reads "Label: value"; under a header row each value takes
 * its column's header as label; a two-cell row is taken as label and value; anything else is cells joined by
 * ' | '. `columnHeaders` is the table's header row, if it had one.
 */
export function renderRow(cells: readonly RowCell[], columnHeaders?: readonly string[]): string {
  const texts = cells.map((c) => c.text);
  if (cells.length === 0) return '';
  if (cells.every((c) => c.header)) return texts.filter(Boolean).join(' | ');
  if (cells.length >= 2 && cells[0]!.header && cells.slice(1).every((c) => !c.header)) {
    return `${labelOf(texts[0]!)}: ${texts.slice(1).filter(Boolean).join(' | ')}`;
  }
  const keyValueTable = columnHeaders?.length === 2 && VALUE_COLUMN_HEADERS.has(columnHeaders[1]!.trim().toLowerCase());
  if (columnHeaders && columnHeaders.length === cells.length && !keyValueTable) return pairs(columnHeaders, cells);
  if (cells.length === 2 && texts[0]) return `${labelOf(texts[0])}: ${texts[1]}`;
  return texts.filter(Boolean).join(' | ');
}
