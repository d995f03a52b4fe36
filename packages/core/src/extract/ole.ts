import CFB from 'cfb';
import { failure, SegmentCollector } from './limits.js';
import { markupToText } from './text.js';
import { addSheetCells, type SheetCell } from './sheet-cells.js';
import type { ContainedFile, ContainedFiles, ExtractLimits, ExtractResult } from './types.js';

/**
 * Legacy Office binaries in OLE compound files (the container is read by SheetJS's cfb): Word 97–2003 text
 * through its piece table, Excel 97–2003 cells from the BIFF8 records, and Outlook .msg properties with
 * attachments handed on as files. Each reader falls back to less structure rather than to nothing: a Word
 * file whose piece table is damaged still gives its text runs.
 */

type Container = ReturnType<typeof CFB.read>;

function openContainer(bytes: Uint8Array): Container {
  return CFB.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { type: 'buffer' });
}

function stream(cfb: Container, name: string): Buffer | undefined {
  const entry = CFB.find(cfb, name);
  if (!entry || !entry.content || entry.content.length === 0) return undefined;
  return Buffer.isBuffer(entry.content) ? entry.content : Buffer.from(entry.content as Uint8Array);
}

// ---------------------------------------------------------------- Word

/** Word's control characters: paragraph and cell ends split, field codes and object anchors vanish. */
function wordParagraphs(text: string): string[] {
  let out = '';
  let fieldDepth = 0;
  const inInstruction: boolean[] = [];
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code === 0x13) {
      fieldDepth++;
      inInstruction.push(true);
      continue;
    }
    if (code === 0x14) {
      if (inInstruction.length) inInstruction[inInstruction.length - 1] = false;
      continue;
    }
    if (code === 0x15) {
      fieldDepth = Math.max(0, fieldDepth - 1);
      inInstruction.pop();
      continue;
    }
    if (inInstruction.at(-1)) continue; // HYPERLINK "…", MERGEFIELD …: instructions, not text
    if (code === 0x0d || code === 0x07 || code === 0x0c) out += '\n';
    else if (code === 0x0b) out += ' ';
    else if (code === 0x09) out += '\t';
    else if (code >= 0x20 || code === 0x0a) out += ch;
  }
  return out.split('\n');
}

/**
 * The document's text in CP order from the piece table (FIB → fcClx in the table stream → PlcPcd): each
 * piece is 8-bit Windows-1252 or UTF-16LE. Main text, footnotes, headers, comments and text boxes follow one
 * another in this one stream, so all of them are read.
 */
function wordPieceText(word: Buffer, cfb: Container): string | undefined {
  if (word.length < 0x01aa || word.readUInt16LE(0) !== 0xa5ec) return undefined;
  const flags = word.readUInt16LE(0x0a);
  if (flags & 0x0100) return undefined; // fEncrypted: the caller reports it
  const table = stream(cfb, flags & 0x0200 ? '1Table' : '0Table');
  if (!table) return undefined;
  const fcClx = word.readUInt32LE(0x01a2);
  const lcbClx = word.readUInt32LE(0x01a6);
  if (fcClx + lcbClx > table.length || lcbClx === 0) return undefined;
  let p = fcClx;
  const end = fcClx + lcbClx;
  while (p < end && table[p] === 0x01) p += 3 + table.readUInt16LE(p + 1); // Prc: formatting, skipped
  if (table[p] !== 0x02) return undefined;
  const lcb = table.readUInt32LE(p + 1);
  const plc = p + 5;
  const n = Math.floor((lcb - 4) / 12);
  if (n <= 0 || plc + lcb > table.length) return undefined;
  const win1252 = new TextDecoder('windows-1252');
  let text = '';
  for (let i = 0; i < n; i++) {
    const cpStart = table.readUInt32LE(plc + i * 4);
    const cpEnd = table.readUInt32LE(plc + (i + 1) * 4);
    const chars = cpEnd - cpStart;
    if (chars <= 0 || chars > word.length) continue;
    const raw = table.readUInt32LE(plc + (n + 1) * 4 + i * 8 + 2);
    const compressed = (raw & 0x40000000) !== 0;
    const fc = raw & 0x3fffffff;
    if (compressed) {
      const at = fc / 2;
      text += win1252.decode(word.subarray(at, Math.min(word.length, at + chars)));
    } else {
      text += word.subarray(fc, Math.min(word.length, fc + chars * 2)).toString('utf16le');
    }
  }
  return text;
}

/** Runs of readable UTF-16LE or 8-bit text: what is left to read when the piece table is not. */
function textRuns(data: Buffer): string {
  const runs: string[] = [];
  const utf16 = data.toString('utf16le').match(/[\p{L}\p{N}\p{P}\p{Zs}]{6,}/gu) ?? [];
  const ascii = data.toString('latin1').match(/[\x20-\x7e\xa0-\xff\r\n\t]{8,}/g) ?? [];
  runs.push(...utf16, ...ascii);
  return runs.join('\r');
}

export async function extractDoc(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const cfb = openContainer(bytes);
  const word = stream(cfb, 'WordDocument');
  if (!word) return failure('doc', 'corrupt', 'Word document stream missing');
  if (word.length >= 0x0c && word.readUInt16LE(0) === 0xa5ec && word.readUInt16LE(0x0a) & 0x0100) {
    return failure('doc', 'encrypted', 'password-protected Word document');
  }
  let degraded: string | undefined;
  let text = wordPieceText(word, cfb);
  if (text === undefined) {
    text = textRuns(word);
    degraded = 'piece table unreadable; text runs recovered heuristically';
  }
  const collector = new SegmentCollector(limits.maxTextChars);
  let paragraph = 0;
  for (const para of wordParagraphs(text)) {
    paragraph++;
    if (!collector.add({ text: para, location: { part: 'WordDocument', paragraph } })) break;
  }
  const summary = stream(cfb, '\u0005SummaryInformation');
  if (summary) {
    // Title, subject, author: "Letter re <patient>" is common in old templates.
    for (const run of textRuns(summary).split('\r')) collector.add({ text: run, location: { part: 'SummaryInformation', paragraph: 1 } });
  }
  const notes = [degraded, collector.degradedNote()].filter(Boolean).join('; ');
  return { ok: true, format: 'doc', segments: collector.segments, ...(notes ? { degraded: notes } : {}) };
}

// ---------------------------------------------------------------- Excel

const BIFF = {
  BOF: 0x0809,
  EOF: 0x000a,
  BOUNDSHEET: 0x0085,
  SST: 0x00fc,
  CONTINUE: 0x003c,
  LABELSST: 0x00fd,
  LABEL: 0x0204,
  NUMBER: 0x0203,
  RK: 0x027e,
  MULRK: 0x00bd,
  FORMAT: 0x041e,
  XF: 0x00e0,
  FILEPASS: 0x002f,
  STRING: 0x0207,
  FORMULA: 0x0006,
};

/** Built-in number formats that show dates (ECMA-376 18.8.30 keeps Excel's numbering). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57]);

interface BiffRecord {
  type: number;
  data: Buffer;
}

function* biffRecords(buf: Buffer): Generator<BiffRecord> {
  let p = 0;
  while (p + 4 <= buf.length) {
    const type = buf.readUInt16LE(p);
    const len = buf.readUInt16LE(p + 2);
    if (p + 4 + len > buf.length) return;
    yield { type, data: buf.subarray(p + 4, p + 4 + len) };
    p += 4 + len;
  }
}

/** Reads BIFF8 strings across CONTINUE boundaries, where a string's characters resume after a new flag byte. */
class ContinuedReader {
  private part = 0;
  private pos = 0;
  constructor(private readonly parts: Buffer[]) {}

  private ensure(): boolean {
    while (this.part < this.parts.length && this.pos >= this.parts[this.part]!.length) {
      this.part++;
      this.pos = 0;
    }
    return this.part < this.parts.length;
  }

  u8(): number {
    if (!this.ensure()) throw new RangeError('eof');
    return this.parts[this.part]![this.pos++]!;
  }

  u16(): number {
    return this.u8() | (this.u8() << 8);
  }

  u32(): number {
    return (this.u16() | (this.u16() << 16)) >>> 0;
  }

  skip(n: number): void {
    for (let i = 0; i < n; i++) this.u8();
  }

  /** XLUnicodeRichExtendedString */
  string(): string {
    const count = this.u16();
    let flags = this.u8();
    const runs = flags & 0x08 ? this.u16() : 0;
    const ext = flags & 0x04 ? this.u32() : 0;
    let out = '';
    for (let i = 0; i < count; i++) {
      if (this.pos >= (this.parts[this.part]?.length ?? 0)) {
        this.ensure();
        flags = (flags & ~1) | (this.u8() & 1); // a continued string restates whether it is 16-bit
      }
      out += String.fromCharCode(flags & 1 ? this.u16() : this.u8());
    }
    this.skip(runs * 4 + ext);
    return out;
  }
}

function shortString(data: Buffer, at: number): string {
  const count = data.readUInt16LE(at);
  const wide = data[at + 2]! & 1;
  const start = at + 3;
  return wide ? data.subarray(start, start + count * 2).toString('utf16le') : data.subarray(start, start + count).toString('latin1');
}

/** ShortXLUnicodeString: a one-byte count (sheet names). */
function byteCountString(data: Buffer, at: number): string {
  const count = data[at]!;
  const wide = data[at + 1]! & 1;
  const start = at + 2;
  return wide ? data.subarray(start, start + count * 2).toString('utf16le') : data.subarray(start, start + count).toString('latin1');
}

function rkValue(rk: number): number {
  const value = rk & 0x02 ? rk >> 2 : Buffer.from(new Uint32Array([0, rk & 0xfffffffc]).buffer).readDoubleLE(0);
  return rk & 0x01 ? value / 100 : value;
}

/** Excel serial day to an ISO date (1900 system, with Excel's phantom 29 Feb 1900). */
function serialToIso(serial: number): string | undefined {
  if (!(serial > 0 && serial < 2958466)) return undefined;
  const days = Math.floor(serial) - (serial >= 60 ? 1 : 0);
  const date = new Date(Date.UTC(1899, 11, 31) + days * 86_400_000);
  return date.toISOString().slice(0, 10);
}

function numberText(value: number, xf: number, dateXfs: Set<number>): string {
  if (dateXfs.has(xf)) return serialToIso(value) ?? String(value);
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e10) / 1e10);
}

export async function extractXls(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const cfb = openContainer(bytes);
  const book = stream(cfb, 'Workbook') ?? stream(cfb, 'Book');
  if (!book) return failure('xls', 'corrupt', 'Excel workbook stream missing');
  const records = [...biffRecords(book)];
  if (records.some((r) => r.type === BIFF.FILEPASS)) return failure('xls', 'encrypted', 'password-protected Excel workbook');
  const sheetNames: string[] = [];
  const sst: string[] = [];
  const customDateFormats = new Set<number>();
  const dateXfs = new Set<number>();
  let xfIndex = 0;
  const sheets: { name: string; cells: SheetCell[] }[] = [];
  let current: { name: string; cells: SheetCell[] } | undefined;
  let globalsSeen = false;
  let damaged = false;

  for (let i = 0; i < records.length; i++) {
    const { type, data } = records[i]!;
    try {
      switch (type) {
        case BIFF.BOF:
          // The first BOF opens the workbook globals; each later one a sheet, in BOUNDSHEET order.
          if (globalsSeen) {
            current = { name: sheetNames[sheets.length] ?? `Sheet${sheets.length + 1}`, cells: [] };
            sheets.push(current);
          }
          globalsSeen = true;
          break;
        case BIFF.EOF:
          current = undefined;
          break;
        case BIFF.BOUNDSHEET:
          sheetNames.push(byteCountString(data, 6));
          break;
        case BIFF.FORMAT: {
          const id = data.readUInt16LE(0);
          const code = shortString(data, 2);
          if (/(^|[^"\\])[dmy]/i.test(code.replace(/"[^"]*"/g, '').replace(/\[[^\]]*\]/g, ''))) customDateFormats.add(id);
          break;
        }
        case BIFF.XF: {
          const fmt = data.readUInt16LE(2);
          if (BUILTIN_DATE_FORMATS.has(fmt) || customDateFormats.has(fmt)) dateXfs.add(xfIndex);
          xfIndex++;
          break;
        }
        case BIFF.SST: {
          const parts = [data.subarray(8)];
          while (records[i + 1]?.type === BIFF.CONTINUE) parts.push(records[++i]!.data);
          const reader = new ContinuedReader(parts);
          const unique = data.readUInt32LE(4);
          try {
            for (let s = 0; s < unique; s++) sst.push(reader.string());
          } catch {
            damaged = true;
          }
          break;
        }
        case BIFF.LABELSST:
          current?.cells.push({ row: data.readUInt16LE(0), col: data.readUInt16LE(2), text: sst[data.readUInt32LE(6)] ?? '' });
          break;
        case BIFF.LABEL:
          current?.cells.push({ row: data.readUInt16LE(0), col: data.readUInt16LE(2), text: shortString(data, 6) });
          break;
        case BIFF.NUMBER:
          current?.cells.push({ row: data.readUInt16LE(0), col: data.readUInt16LE(2), text: numberText(data.readDoubleLE(6), data.readUInt16LE(4), dateXfs) });
          break;
        case BIFF.RK:
          current?.cells.push({ row: data.readUInt16LE(0), col: data.readUInt16LE(2), text: numberText(rkValue(data.readInt32LE(6)), data.readUInt16LE(4), dateXfs) });
          break;
        case BIFF.MULRK: {
          const row = data.readUInt16LE(0);
          const first = data.readUInt16LE(2);
          const count = (data.length - 6) / 6;
          for (let k = 0; k < count; k++) {
            const at = 4 + k * 6;
            current?.cells.push({ row, col: first + k, text: numberText(rkValue(data.readInt32LE(at + 2)), data.readUInt16LE(at), dateXfs) });
          }
          break;
        }
        case BIFF.STRING: {
          // The cached text result of the formula before it.
          const prev = records[i - 1];
          if (prev?.type === BIFF.FORMULA && current) current.cells.push({ row: prev.data.readUInt16LE(0), col: prev.data.readUInt16LE(2), text: shortString(data, 0) });
          break;
        }
      }
    } catch {
      damaged = true;
    }
  }
  const collector = new SegmentCollector(limits.maxTextChars);
  for (const sheet of sheets) if (!addSheetCells(collector, sheet.name, sheet.cells)) break;
  const notes = [collector.degradedNote(), damaged ? 'some records damaged; their cells not read' : undefined].filter(Boolean).join('; ');
  return { ok: true, format: 'xls', segments: collector.segments, ...(notes ? { degraded: notes } : {}) };
}

// ---------------------------------------------------------------- PowerPoint

const PPT_TEXT_CHARS = 0x0fa0; // UTF-16LE text of a shape
const PPT_TEXT_BYTES = 0x0fa8; // 8-bit text of a shape
const PPT_CSTRING = 0x0fba; // notes, comments, titles stored as strings
const PPT_SLIDE = 0x03ee;
const PPT_NOTES = 0x03f0;

/**
 * PowerPoint 97–2003: the "PowerPoint Document" stream is a tree of records; container records (version
 * 0xF) are entered, text atoms read. Slides are counted as their containers open, so a finding names the
 * slide (or notes page) whose text it is in.
 */
export async function extractPpt(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const cfb = openContainer(bytes);
  const doc = stream(cfb, 'PowerPoint Document');
  if (!doc) return failure('ppt', 'corrupt', 'PowerPoint document stream missing');
  if (stream(cfb, 'EncryptedSummary')) return failure('ppt', 'encrypted', 'password-protected PowerPoint presentation');
  const collector = new SegmentCollector(limits.maxTextChars);
  const win1252 = new TextDecoder('windows-1252');
  let part = 'document';
  let slides = 0;
  let notes = 0;
  const paragraphs = new Map<string, number>();
  let p = 0;
  while (p + 8 <= doc.length) {
    const version = doc.readUInt16LE(p) & 0x0f;
    const type = doc.readUInt16LE(p + 2);
    const len = doc.readUInt32LE(p + 4);
    if (version === 0x0f) {
      if (type === PPT_SLIDE) part = `slide ${++slides}`;
      else if (type === PPT_NOTES) part = `notes ${++notes}`;
      p += 8; // enter the container
      continue;
    }
    const body = doc.subarray(p + 8, Math.min(doc.length, p + 8 + len));
    let text: string | undefined;
    if (type === PPT_TEXT_CHARS || type === PPT_CSTRING) text = body.toString('utf16le');
    else if (type === PPT_TEXT_BYTES) text = win1252.decode(body);
    if (text !== undefined) {
      for (const line of text.split(/[\r\v]/)) {
        const n = (paragraphs.get(part) ?? 0) + 1;
        paragraphs.set(part, n);
        if (!collector.add({ text: line, location: { part, paragraph: n } })) break;
      }
      if (collector.full) break;
    }
    p += 8 + len;
  }
  const degraded = collector.degradedNote();
  return { ok: true, format: 'ppt', segments: collector.segments, ...(degraded ? { degraded } : {}) };
}

// ---------------------------------------------------------------- Outlook

/** MAPI string properties by tag: PT_UNICODE (001F) or 8-bit PT_STRING8 (001E). */
function mapiString(cfb: Container, storage: string, tag: string): string | undefined {
  const wide = stream(cfb, `${storage}__substg1.0_${tag}001F`);
  if (wide) return wide.toString('utf16le').replace(/\u0000+$/, '');
  const narrow = stream(cfb, `${storage}__substg1.0_${tag}001E`);
  return narrow ? new TextDecoder('windows-1252').decode(narrow).replace(/\u0000+$/, '') : undefined;
}

const MSG_HEADERS: [string, string][] = [
  ['0C1A', 'From'],
  ['0E04', 'To'],
  ['0E03', 'Cc'],
  ['0037', 'Subject'],
];

/**
 * A forwarded or attached Outlook item is a storage inside the attachment, not a stream: copied into a
 * container of its own, it is a .msg file again and is scanned as one (its attachments included).
 */
function embeddedMessage(cfb: Container, prefix: string): Uint8Array | undefined {
  const streams = cfb.FullPaths.map((path, i) => ({ path, entry: cfb.FileIndex[i]! })).filter(
    ({ path, entry }) => path.startsWith(prefix) && !path.endsWith('/') && entry.content !== undefined,
  );
  if (streams.length === 0) return undefined;
  const copy = CFB.utils.cfb_new();
  for (const { path, entry } of streams) CFB.utils.cfb_add(copy, path.slice(prefix.length), Buffer.from(entry.content as Uint8Array));
  return new Uint8Array(CFB.write(copy, { type: 'buffer' }) as Buffer);
}

export async function extractMsg(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const cfb = openContainer(bytes);
  const root = `${cfb.FullPaths[0] ?? 'Root Entry/'}`;
  const collector = new SegmentCollector(limits.maxTextChars);
  const add = (section: string, text: string | undefined, header?: string) =>
    !text || collector.add({ text, location: { email: 1, section, line: 1 }, ...(header ? { columnHeader: header } : {}) });
  for (const [tag, name] of MSG_HEADERS) add(`header ${name}`, mapiString(cfb, root, tag), name);
  const storages = cfb.FullPaths.filter((p) => p.endsWith('/') && p !== root);
  for (const recip of storages.filter((p) => /__recip_version1\.0_#[0-9A-F]{8}\/$/i.test(p))) {
    add('recipient', [mapiString(cfb, recip, '3001'), mapiString(cfb, recip, '39FE') ?? mapiString(cfb, recip, '3003')].filter(Boolean).join(' '));
  }
  const body = mapiString(cfb, root, '1000');
  if (body) add('body', body);
  else {
    const html = stream(cfb, `${root}__substg1.0_10130102`);
    if (html) add('body (html)', markupToText(html.toString('utf8'), 'html'));
  }
  const attachments: ContainedFile[] = [];
  const used = new Set<string>();
  for (const att of storages) {
    // Attachments of attached messages sit deeper and stay with their own message.
    if (!/^__attach_version1\.0_#[0-9A-F]{8}\/$/i.test(att.slice(root.length))) continue;
    const data = stream(cfb, `${att}__substg1.0_37010102`);
    let name = (mapiString(cfb, att, '3707') ?? mapiString(cfb, att, '3704') ?? `attachment-${attachments.length + 1}`).replace(/[\\/!\u0000-\u001f]/g, '_');
    for (let n = 2; used.has(name); n++) name = `${n}-${name}`;
    used.add(name);
    const embedded = data ? undefined : embeddedMessage(cfb, `${att}__substg1.0_3701000D/`);
    if (data) attachments.push({ name, bytes: data });
    else if (embedded) attachments.push({ name: /\.msg$/i.test(name) ? name : `${name}.msg`, bytes: embedded });
    else attachments.push({ name, failure: failure('msg', 'unsupported', 'OLE object attachment not extracted') });
  }
  const members: ContainedFiles | undefined = attachments.length
    ? {
        notes: [],
        async *[Symbol.asyncIterator]() {
          yield* attachments;
        },
      }
    : undefined;
  const degraded = collector.degradedNote();
  return { ok: true, format: 'msg', segments: collector.segments, ...(degraded ? { degraded } : {}), ...(members ? { members } : {}) };
}
