import { DoctypeRefused, zipFailure } from './docx.js';
import { decodeText } from './encoding.js';
import { failure, joinNotes, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, SegmentSink, TextSegment } from './types.js';
import { canonicalName, columnLetter, headerFooterText, isLabelText, isoDate } from './xlsx.js';
import { inflateEntry, normaliseEntryName, readZipEntries, ZipError, type ZipEntry } from './zip.js';
import { NotPlainXml, saxesModule, scanPlainXml, type AttributeReader, type PlainXmlHandlers } from './plain-xml.js';

/**
 * A streaming XLSX reader: unzip, then an XML reader (plain-xml.ts over the part's bytes; saxes for a workbook
 * with a part that is not plain XML) over the workbook, shared strings, styles (which number formats
 * are dates), each sheet, its comments and hyperlinks. exceljs builds an object per cell and a model of the
 * whole workbook first; a 100k-row sheet then costs gigabytes, and some tiny files make it walk billions of
 * cells (a validation rule or a merge over whole columns), which this reader never looks at. Element names
 * are matched without their prefix, so `x:c` from writers with their own namespace prefix reads like `c`.
 * Returns null for a workbook it cannot follow, so the caller can hand it to exceljs.
 */

const SAX_CHUNK = 1 << 20;

class StopParsing extends Error {}
class CannotFollow extends Error {}

type Attributes = Record<string, string>;

type XmlHandlers = PlainXmlHandlers;

/** How a workbook's parts are parsed: plain-xml.ts first, saxes when a part is not plain (see readXlsxStreaming). */
type ParseXml = (bytes: Uint8Array, handlers: XmlHandlers) => void;

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** saxes' attributes read the way plain-xml.ts gives them; one per parser, pointed at each tag's in turn. */
class SaxesAttributes implements AttributeReader {
  attributes: Attributes = {};

  get(name: string): string | undefined {
    return Object.hasOwn(this.attributes, name) ? this.attributes[name] : undefined;
  }

  local(local: string): string | undefined {
    if (local in this.attributes) return this.attributes[local];
    for (const key in this.attributes) if (localName(key) === local) return this.attributes[key];
    return undefined;
  }
}

/**
 * Feeds the part to saxes a megabyte at a time, so a large sheet is never one giant string. UTF-16 parts
 * (with a BOM) are decoded whole. A DTD is refused: Excel never writes one, and entities are an attack.
 */
function parseWithSaxes(bytes: Uint8Array, handlers: XmlHandlers): void {
  const parser = new (saxesModule().SaxesParser)({ position: false });
  parser.on('doctype', () => {
    throw new DoctypeRefused();
  });
  const reader = new SaxesAttributes();
  if (handlers.open) {
    parser.on('opentag', (tag) => {
      reader.attributes = tag.attributes as Attributes;
      handlers.open!(localName(tag.name), reader, '');
    });
  }
  if (handlers.close) parser.on('closetag', (tag) => handlers.close!(localName(tag.name), ''));
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16) {
    parser.write(decodeText(bytes)?.text ?? '').close();
    return;
  }
  const decoder = new TextDecoder('utf-8');
  for (let offset = 0; offset < bytes.length; offset += SAX_CHUNK) {
    parser.write(decoder.decode(bytes.subarray(offset, offset + SAX_CHUNK), { stream: true }));
  }
  parser.write(decoder.decode());
  parser.close();
}

interface Part {
  entry: ZipEntry;
  name: string;
}

/** Resolves a relationship target against the folder of the part that names it. */
function resolveTarget(fromPart: string, target: string): string {
  const clean = target.replace(/\\/g, '/');
  const segments = clean.startsWith('/') ? [] : fromPart.split('/').slice(0, -1);
  for (const piece of clean.split('/')) {
    if (piece === '' || piece === '.') continue;
    if (piece === '..') segments.pop();
    else segments.push(piece);
  }
  return segments.join('/');
}

function relsPathOf(part: string): string {
  const slash = part.lastIndexOf('/');
  return `${part.slice(0, slash + 1)}_rels/${part.slice(slash + 1)}.rels`;
}

interface Relationship {
  type: string;
  target: string;
  external: boolean;
}

/** Builtin number formats that show a date or time (ECMA-376 18.8.30, with the East Asian ones). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

/** A custom format shows a date when, outside quotes, escapes and [colour]/[condition] brackets, it has date letters. */
export function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"/g, '').replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
  return /[ymdhs]/i.test(bare.replace(/General/gi, ''));
}

/** Excel's day count (1900 system, with its fictitious 29 Feb 1900, or 1904) to the instant exceljs also gives. */
function serialToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/** Column letters of a cell reference as a 1-based number; 0 when the reference is not one. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col;
}

/** The row number the reference ends with; 0 when it ends with no digit. */
function rowOf(ref: string): number {
  let start = ref.length;
  while (start > 0) {
    const c = ref.charCodeAt(start - 1);
    if (c < 48 || c > 57) break;
    start--;
  }
  return start === ref.length ? 0 : Number(ref.slice(start));
}

interface Workbook {
  parse: ParseXml;
  parts: Map<string, Part>;
  bytes: Uint8Array;
  limits: ExtractLimits;
  inflated: number;
}

function readPart(book: Workbook, name: string): Uint8Array | undefined {
  const part = book.parts.get(name.toLowerCase());
  if (!part) return undefined;
  const data = inflateEntry(book.bytes, part.entry, book.limits.maxInflatedBytes);
  book.inflated += data.length;
  // Many parts that each pass the limit are a bomb as a whole.
  if (book.inflated > book.limits.maxInflatedBytes * 4) throw new ZipError('too-large', 'XLSX parts inflate beyond the limit');
  return data;
}

function relationships(book: Workbook, part: string): Map<string, Relationship> {
  const out = new Map<string, Relationship>();
  const data = readPart(book, relsPathOf(part));
  if (!data) return out;
  book.parse(data, {
    open(name, a) {
      if (name !== 'Relationship') return;
      const id = a.get('Id');
      const target = a.get('Target');
      if (!id || target === undefined) return;
      const external = a.get('TargetMode') === 'External';
      out.set(id, { type: a.get('Type') ?? '', target: external ? target : resolveTarget(part, target), external });
    },
  });
  return out;
}

function ofType(rels: Map<string, Relationship>, suffix: string): Relationship | undefined {
  for (const rel of rels.values()) if (rel.type.endsWith(suffix)) return rel;
  return undefined;
}

/** Text of every `t` element inside each `si` (rich runs joined), skipping phonetic guides (rPh). */
function sharedStrings(parse: ParseXml, data: Uint8Array | undefined): string[] {
  const out: string[] = [];
  if (!data) return out;
  let current: string[] | undefined;
  let inText = 0;
  let phonetic = 0;
  parse(data, {
    open(name) {
      if (name === 'si') current = [];
      else if (name === 'rPh') phonetic++;
      else if (name === 't' && phonetic === 0) inText++;
    },
    close(name) {
      if (name === 'si') {
        out.push(current?.join('') ?? '');
        current = undefined;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't' && inText > 0) inText--;
    },
    text(t) {
      if (inText > 0 && current) current.push(t);
    },
  });
  return out;
}

/** For each cell style index (the `s` of a cell), whether its number format shows a date. */
function dateStyles(parse: ParseXml, data: Uint8Array | undefined): boolean[] {
  const out: boolean[] = [];
  if (!data) return out;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  parse(data, {
    open(name, a) {
      if (name === 'numFmt') custom.set(Number(a.get('numFmtId')), a.get('formatCode') ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) {
        const id = Number(a.get('numFmtId') ?? 0);
        const code = custom.get(id);
        out.push(code !== undefined ? isDateFormatCode(code) : BUILTIN_DATE_FORMATS.has(id));
      }
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return out;
}

interface SheetRef {
  name: string;
  part: string;
}

interface Cell {
  col: number;
  row: number;
  text: string;
  /** A string cell (shared or inline): only those can be header labels. */
  label: boolean;
}

interface SheetContext {
  name: string;
  strings: string[];
  dates: boolean[];
  collector: SegmentCollector;
  dateTexts: DateTexts;
}

/**
 * Date cells repeat (a birth date per visit row, one admission day for a whole ward, the same weeks across a
 * folder of monthly exports), and building the text through Date and toISOString was a tenth of a 100k-row
 * sheet's extraction. A serial's text depends only on the workbook's date system, so one table per system
 * serves every workbook a worker reads. Bounded, so distinct timestamps cannot grow it without end.
 */
class DateTexts {
  private readonly texts = new Map<number, string>();

  private constructor(private readonly date1904: boolean) {}

  private static readonly systems = [new DateTexts(false), new DateTexts(true)];

  static of(date1904: boolean): DateTexts {
    return DateTexts.systems[date1904 ? 1 : 0]!;
  }

  of(serial: number): string {
    let text = this.texts.get(serial);
    if (text === undefined) {
      if (this.texts.size >= 65_536) this.texts.clear();
      text = isoDate(serialToDate(serial, this.date1904));
      this.texts.set(serial, text);
    }
    return text;
  }
}

/** Column letters by number, made once per column rather than once per cell. */
const COLUMN_LETTERS: string[] = [];

function lettersOf(col: number): string {
  if (col >= 16_384) return columnLetter(col);
  return (COLUMN_LETTERS[col] ??= columnLetter(col));
}

/** Emits one sheet's cells, hyperlinks, comments and header/footer into the collector. */
function readSheet(book: Workbook, sheet: SheetRef, ctx: SheetContext): void {
  const data = readPart(book, sheet.part);
  if (!data) return;
  const headers = new Map<number, string>();
  let hasHeader = false;
  let firstRow: Cell[] | undefined = [];

  // One key string per row, not per cell: findings keep it until the file's records are grouped.
  let keyRow = -1;
  let rowKey = '';
  const recordKeyOf = (row: number): string => {
    if (row !== keyRow) {
      keyRow = row;
      rowKey = `${ctx.name}:row:${row}`;
    }
    return rowKey;
  };
  const segmentFor = (col: number, row: number, text: string, cell: string): TextSegment => {
    const header = row > 1 ? headers.get(col) : undefined;
    const segment: TextSegment = { text, location: { sheet: ctx.name, cell, row, column: header ?? lettersOf(col) } };
    if (header) segment.columnHeader = header;
    if (!(hasHeader && row === 1)) segment.recordKey = recordKeyOf(row);
    return segment;
  };
  const add = (segment: TextSegment): void => {
    if (!segment.text.trim()) return;
    if (!ctx.collector.add(segment)) throw new StopParsing();
  };
  const emit = (c: Cell): void => add(segmentFor(c.col, c.row, c.text, `${lettersOf(c.col)}${c.row}`));
  // Row 1 decides whether there is a header, so its cells wait until the row ends.
  const flushFirstRow = (): void => {
    if (!firstRow) return;
    hasHeader = firstRow.length > 0 && firstRow.every((c) => c.label && isLabelText(c.text));
    if (hasHeader) for (const c of firstRow) headers.set(c.col, c.text.trim());
    const cells = firstRow;
    firstRow = undefined;
    for (const c of cells) emit(c);
  };

  let rowNumber = 0;
  let col = 0;
  // One cell is open at a time: its state is one object, refilled cell after cell rather than made per cell.
  const opened = { col: 0, row: 0, type: 'n', style: 0, value: '', inline: '', hasValue: false };
  let cell: typeof opened | undefined;
  let inValue = false;
  let inInline = 0;
  let inInlineText = 0;
  let phonetic = 0;
  let headerFooterKey: string | undefined;
  let hfParts: string[] = [];
  const hyperlinks: { ref: string; id: string }[] = [];
  const hfKeys = new Set(['oddHeader', 'oddFooter', 'evenHeader', 'evenFooter', 'firstHeader', 'firstFooter']);

  const finishCell = (): void => {
    if (!cell) return;
    const c = cell;
    cell = undefined;
    const raw = c.value;
    let text = '';
    let label = false;
    switch (c.type) {
      case 's': {
        const index = Number(raw);
        text = Number.isInteger(index) ? (ctx.strings[index] ?? '') : '';
        label = true;
        break;
      }
      case 'inlineStr':
        text = c.inline;
        label = true;
        break;
      case 'str':
        text = raw;
        break;
      case 'b':
        text = raw === '1' ? 'true' : raw === '0' ? 'false' : raw;
        break;
      case 'e':
        text = '';
        break;
      case 'd': {
        const d = new Date(raw);
        text = raw ? isoDate(d) : '';
        break;
      }
      default: {
        if (!c.hasValue || raw.trim() === '') break;
        const n = Number(raw);
        if (Number.isNaN(n)) text = raw;
        else text = ctx.dates[c.style] ? ctx.dateTexts.of(n) : String(n);
      }
    }
    if (!text && !label) return;
    if (c.row === 1 && firstRow) {
      if (text) firstRow.push({ col: c.col, row: c.row, text, label });
      return;
    }
    if (text) add(segmentFor(c.col, c.row, text, `${lettersOf(c.col)}${c.row}`));
  };

  book.parse(data, {
    open(name, a) {
      switch (name) {
        case 'row': {
          const r = Number(a.get('r'));
          rowNumber = Number.isInteger(r) && r > 0 ? r : rowNumber + 1;
          if (rowNumber !== 1) flushFirstRow();
          col = 0;
          break;
        }
        case 'c': {
          const ref = a.get('r');
          const fromRef = ref ? columnOf(ref) : 0;
          col = fromRef > 0 ? fromRef : col + 1;
          const fromRow = ref ? rowOf(ref) : 0;
          opened.col = col;
          opened.row = fromRow > 0 ? fromRow : rowNumber;
          opened.type = a.get('t') ?? 'n';
          opened.style = Number(a.get('s') ?? 0);
          opened.value = '';
          opened.inline = '';
          opened.hasValue = false;
          cell = opened;
          break;
        }
        case 'v':
          if (cell) {
            inValue = true;
            cell.hasValue = true;
          }
          break;
        case 'is':
          inInline++;
          break;
        case 'rPh':
          phonetic++;
          break;
        case 't':
          if (inInline > 0 && phonetic === 0) inInlineText++;
          break;
        case 'hyperlink':
          {
            const id = a.local('id');
            const ref = a.get('ref');
            if (ref && id) hyperlinks.push({ ref, id });
          }
          break;
        default:
          if (hfKeys.has(name)) {
            headerFooterKey = name;
            hfParts = [];
          }
      }
    },
    close(name) {
      switch (name) {
        case 'c':
          finishCell();
          break;
        case 'row':
          if (rowNumber === 1) flushFirstRow();
          break;
        case 'v':
          inValue = false;
          break;
        case 'is':
          inInline--;
          break;
        case 'rPh':
          phonetic--;
          break;
        case 't':
          if (inInlineText > 0) inInlineText--;
          break;
        case 'sheetData':
          flushFirstRow();
          break;
        default:
          if (name === headerFooterKey) {
            const text = headerFooterText(hfParts.join(''));
            const key = headerFooterKey;
            headerFooterKey = undefined;
            if (text) add({ text, location: { sheet: ctx.name, cell: key, row: 0, column: key } });
          }
      }
    },
    text(t) {
      if (cell && inValue) cell.value += t;
      else if (cell && inInlineText > 0) cell.inline += t;
      else if (headerFooterKey) hfParts.push(t);
    },
  });
  flushFirstRow();

  const rels = relationships(book, sheet.part);
  // mailto: and query strings carry identifiers the label hides.
  for (const link of hyperlinks) {
    const target = rels.get(link.id);
    const ref = link.ref.split(':')[0]!;
    if (target?.external) add(segmentFor(columnOf(ref), rowOf(ref), target.target, ref));
  }
  const comments = ofType(rels, '/comments');
  if (comments && !comments.external) readComments(book, comments.target, (ref, text) => add(segmentFor(columnOf(ref), rowOf(ref), text, ref)));
}

function readComments(book: Workbook, part: string, onComment: (ref: string, text: string) => void): void {
  const data = readPart(book, part);
  if (!data) return;
  let ref: string | undefined;
  let parts: string[] = [];
  let inText = 0;
  let phonetic = 0;
  book.parse(data, {
    open(name, a) {
      if (name === 'comment') {
        ref = a.get('ref');
        parts = [];
      } else if (name === 'rPh') phonetic++;
      else if (name === 't' && ref !== undefined && phonetic === 0) inText++;
    },
    close(name) {
      if (name === 'comment') {
        if (ref) onComment(ref, parts.join(''));
        ref = undefined;
      } else if (name === 'rPh') phonetic--;
      else if (name === 't' && inText > 0) inText--;
    },
    text(t) {
      if (inText > 0) parts.push(t);
    },
  });
}

/** The workbook part from the package relationships, as Excel finds it (the name varies with the writer). */
function workbookPart(book: Workbook): string {
  const root = relationships(book, '');
  const office = ofType(root, '/officeDocument');
  return office && !office.external ? office.target : 'xl/workbook.xml';
}

/**
 * With a sink, cells go to it as each is read (see SegmentSink). A null return (hand the workbook to exceljs)
 * can come after some cells went to the sink; the caller resets the sink before reading again.
 */
export function readXlsxStreaming(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): ExtractResult | null {
  let entries: ZipEntry[];
  try {
    entries = readZipEntries(bytes);
  } catch (err) {
    return zipFailure('xlsx', err);
  }
  const parts = new Map<string, Part>();
  let renamed = false;
  for (const entry of entries) {
    if (entry.name.endsWith('/')) continue;
    const name = normaliseEntryName(entry.name);
    if (canonicalName(entry.name) !== entry.name) renamed = true;
    parts.set(name, { entry, name });
  }
  const plain = sink && new ResumingSink(sink, 0);
  try {
    return readWorkbook({ parse: scanPlainXml, parts, bytes, limits, inflated: 0 }, renamed, plain);
  } catch (err) {
    if (!(err instanceof NotPlainXml)) throw err;
  }
  // Some part is not plain XML: saxes reads the workbook again from the start, as it always did. Up to where
  // plain-xml.ts stopped, it makes the same calls and gives the same cells, which the sink already has.
  return readWorkbook({ parse: parseWithSaxes, parts, bytes, limits, inflated: 0 }, renamed, sink && new ResumingSink(sink, plain!.given));
}

/** Passes on the segments after the first `skip`, counting all: a second reading resumes where the first stopped. */
class ResumingSink implements SegmentSink {
  given = 0;

  constructor(
    private readonly sink: SegmentSink,
    private readonly skip: number,
  ) {}

  add(segment: TextSegment): void {
    if (this.given++ >= this.skip) this.sink.add(segment);
  }

  reset(): void {
    this.sink.reset();
  }
}

function readWorkbook(book: Workbook, renamed: boolean, sink: SegmentSink | undefined): ExtractResult | null {
  const { parse, limits } = book;
  const collector = new SegmentCollector(limits.maxTextChars, sink);
  try {
    const workbook = workbookPart(book);
    const workbookXml = readPart(book, workbook);
    if (!workbookXml) throw new CannotFollow();
    const sheets: SheetRef[] = [];
    const ids: { name: string; id: string }[] = [];
    let date1904 = false;
    book.parse(workbookXml, {
      open(name, a) {
        if (name === 'sheet') {
          const id = a.local('id');
          if (id) ids.push({ name: a.get('name') ?? '', id });
        } else if (name === 'workbookPr') {
          const flag = a.get('date1904');
          date1904 = flag === '1' || flag === 'true';
        }
      },
    });
    const rels = relationships(book, workbook);
    for (const { name, id } of ids) {
      const rel = rels.get(id);
      if (!rel || rel.external || !rel.type.endsWith('/worksheet')) continue;
      sheets.push({ name, part: rel.target });
    }
    if (ids.length > 0 && sheets.length === 0) throw new CannotFollow();
    const stringsRel = ofType(rels, '/sharedStrings');
    const stylesRel = ofType(rels, '/styles');
    const strings = sharedStrings(parse, readPart(book, stringsRel?.target ?? 'xl/sharedStrings.xml'));
    const dates = dateStyles(parse, readPart(book, stylesRel?.target ?? 'xl/styles.xml'));
    const dateTexts = DateTexts.of(date1904);
    for (const sheet of sheets) {
      if (!book.parts.has(sheet.part.toLowerCase())) throw new CannotFollow();
      readSheet(book, sheet, { name: sheet.name, strings, dates, collector, dateTexts });
    }
  } catch (err) {
    if (err instanceof NotPlainXml) {
      throw err;
    } else if (err instanceof StopParsing) {
      // the text limit was reached: what was collected is the result, marked truncated
    } else if (err instanceof DoctypeRefused) {
      return failure('xlsx', 'corrupt', 'XLSX part declares a DTD (refused)');
    } else if (err instanceof ZipError && err.reason !== 'corrupt') {
      return zipFailure('xlsx', err);
    } else {
      return null;
    }
  }
  const degraded = joinNotes(renamed ? 'non-standard part names were normalised' : undefined, collector.degradedNote());
  return { ok: true, format: 'xlsx', segments: collector.segments, ...(degraded ? { degraded } : {}) };
}
