import { decodeText } from './encoding.js';
import { renderRow } from './label-rows.js';
import { failure } from './limits.js';
import { saxesModule } from './plain-xml.js';
import { inflateEntry, ZipError, type ZipEntry } from './zip.js';
import type { ExtractLimits, ExtractResult } from './types.js';

/**
 * What the zip-packaged documents besides DOCX and XLSX (PowerPoint, OpenDocument) share: a bounded read of
 * their XML parts and paragraphs out of them. Element names are matched without their prefix, since the
 * prefixes are the writer's choice and only the local names are fixed by each format.
 */

/** Nesting no real slide or ODF body reaches; deeper is an attack on the parser and the part is cut there. */
const MAX_DEPTH = 256;

export interface Paragraph {
  paragraph: number;
  text: string;
}

export interface ParagraphRules {
  /** Local names of the elements that are paragraphs (nested ones are paragraphs of their own). */
  paragraphs: ReadonlySet<string>;
  /** Local names of the elements whose text is read; undefined reads all text inside a paragraph. */
  text?: ReadonlySet<string>;
  /** Local names that stand for a character: line breaks, tabs, ODF's run of spaces. */
  characters?: Readonly<Record<string, string>>;
  /** Local names of a table's row and cell elements: a row's paragraphs are read as one (see TableRows). */
  table?: { row: string; cell: string };
}

/**
 * Reads a table row of a DOCX, PPTX or ODT as one paragraph, rendered like HTML and Markdown rows (label-rows):
 * a form's two-cell row 'DOB' | '03/14/1957' becomes 'DOB: 03/14/1957', other rows their cells joined by
 * ' | ', so a value keeps the label a cell beside it gives it. A cell's own paragraphs are joined by a line
 * break; the row takes the number of its first paragraph; a nested table's row becomes part of the outer
 * cell it sits in.
 */
export class TableRows {
  private readonly rows: { paragraph: number; cells: string[]; cell?: string[] }[] = [];

  openRow(): void {
    this.rows.push({ paragraph: 0, cells: [] });
  }

  /** A row is open: a paragraph finished now may belong to it. */
  get open(): boolean {
    return this.rows.length > 0;
  }

  openCell(): void {
    const row = this.rows[this.rows.length - 1];
    if (row) row.cell = [];
  }

  closeCell(): void {
    const row = this.rows[this.rows.length - 1];
    if (row?.cell) row.cells.push(row.cell.join('\n'));
    if (row) row.cell = undefined;
  }

  /** The finished row, or undefined when it held no paragraph (or was taken by the cell around it). */
  closeRow(): Paragraph | undefined {
    const row = this.rows.pop();
    if (!row || row.paragraph === 0) return undefined;
    const done = { paragraph: row.paragraph, text: renderRow(row.cells.map((text) => ({ text, header: false }))) };
    return this.take(done) ? undefined : done;
  }

  /** Keeps a finished paragraph for the open cell it belongs to; false when it is in no table cell. */
  take(p: Paragraph): boolean {
    const row = this.rows[this.rows.length - 1];
    if (!row?.cell) return false;
    if (row.paragraph === 0) row.paragraph = p.paragraph;
    row.cell.push(p.text);
    return true;
  }

  /** What unclosed rows hold, outermost first: for a part cut short by damage. */
  unclosed(): Paragraph[] {
    return this.rows
      .filter((row) => row.paragraph !== 0)
      .map((row) => ({ paragraph: row.paragraph, text: [...row.cells, ...(row.cell ? [row.cell.join('\n')] : [])].filter(Boolean).join(' | ') }));
  }
}

/**
 * A part's finished paragraphs on their way out in document order (their numbers, given as they open). A
 * paragraph closes after those nested in it (a text box, a frame) and a table row after its cells, so one
 * that has closed may still be preceded by one that has not: with `emit`, what has closed goes out whenever
 * nothing is open, which is the order a sort at the part's end gives; without, all of it comes back at the end.
 */
export class ParagraphsInOrder {
  private pending: Paragraph[] = [];

  constructor(private readonly emit?: (paragraph: Paragraph) => void) {}

  add(paragraph: Paragraph): void {
    this.pending.push(paragraph);
  }

  /** Called as a paragraph or row closes, with whether any paragraph or table row is still open. */
  settle(somethingOpen: boolean): void {
    if (this.emit && !somethingOpen && this.pending.length > 0) this.giveOut();
  }

  /** The part has ended: what is left, in order, goes to `emit`; without one it is returned. */
  end(): Paragraph[] {
    if (this.emit) {
      this.giveOut();
      return [];
    }
    const rest = sortedByNumber(this.pending);
    this.pending = [];
    return rest;
  }

  private giveOut(): void {
    const ready = sortedByNumber(this.pending);
    this.pending = [];
    for (const paragraph of ready) this.emit!(paragraph);
  }
}

function sortedByNumber(paragraphs: Paragraph[]): Paragraph[] {
  return paragraphs.length > 1 ? paragraphs.sort((a, b) => a.paragraph - b.paragraph) : paragraphs;
}

export class PartDamaged extends Error {}

export function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/**
 * Paragraphs of one XML part, in document order; a DTD is refused, damage keeps what came before it. With
 * `emit`, each goes to it as soon as nothing open (a paragraph around a frame, a table row) can still come
 * before it, and `paragraphs` comes back empty; what `emit` throws is thrown from here, not taken for damage.
 */
export function paragraphsOf(xml: string, rules: ParagraphRules, emit?: (paragraph: Paragraph) => void): { paragraphs: Paragraph[]; damaged: boolean } {
  const parser = new (saxesModule().SaxesParser)({ xmlns: false });
  let emitError: { error: unknown } | undefined;
  const out = new ParagraphsInOrder(
    emit &&
      ((paragraph) => {
        try {
          emit(paragraph);
        } catch (error) {
          emitError = { error };
          throw error;
        }
      }),
  );
  const open: Paragraph[] = [];
  const rows = new TableRows();
  let count = 0;
  let depth = 0;
  let textDepth = 0;
  parser.on('doctype', () => {
    throw new PartDamaged('DTD');
  });
  parser.on('opentag', (tag) => {
    if (++depth > MAX_DEPTH) throw new PartDamaged('too deep');
    const name = localName(tag.name);
    if (rules.paragraphs.has(name)) {
      open.push({ paragraph: ++count, text: '' });
      return;
    }
    if (name === rules.table?.row) rows.openRow();
    else if (name === rules.table?.cell) rows.openCell();
    if (rules.text?.has(name)) textDepth++;
    const char = rules.characters?.[name];
    const top = open[open.length - 1];
    if (char !== undefined && top) top.text += name === 's' ? ' '.repeat(Math.min(64, Number(tag.attributes['text:c'] ?? 1) || 1)) : char;
  });
  parser.on('closetag', (tag) => {
    depth--;
    const name = localName(tag.name);
    if (rules.paragraphs.has(name)) {
      const done = open.pop();
      if (done && !rows.take(done)) out.add(done);
      out.settle(open.length > 0 || rows.open);
    } else if (rules.text?.has(name)) textDepth--;
    else if (name === rules.table?.cell) rows.closeCell();
    else if (name === rules.table?.row) {
      const row = rows.closeRow();
      if (row) out.add(row);
      out.settle(open.length > 0 || rows.open);
    }
  });
  parser.on('text', (t) => {
    const top = open[open.length - 1];
    if (top && (!rules.text || textDepth > 0)) top.text += t;
  });
  let damaged = false;
  try {
    parser.write(xml).close();
  } catch {
    if (emitError) throw emitError.error;
    damaged = true;
    for (const unclosed of [...rows.unclosed(), ...open]) out.add(unclosed);
  }
  return { paragraphs: out.end(), damaged };
}

/** One part's XML text, inflated under the per-part limit. */
export function readPart(bytes: Uint8Array, entry: ZipEntry, limits: ExtractLimits): string {
  const raw = inflateEntry(bytes, entry, limits.maxInflatedBytes);
  return decodeText(raw)?.text ?? new TextDecoder('utf-8').decode(raw);
}

export function packageFailure(format: string, err: unknown): ExtractResult {
  if (err instanceof ZipError) return failure(format, err.reason, err.message);
  return failure(format, 'corrupt', `${format} package could not be read`);
}

/** Part names sorted as a person numbers them: slide2 before slide10. */
export function byNumber(a: string, b: string): number {
  const num = (s: string) => Number(/(\d+)\.xml$/i.exec(s)?.[1] ?? 0);
  return num(a) - num(b) || a.localeCompare(b);
}
