// Not mammoth.extractRawText: it drops headers, footers, comments, footnotes, endnotes and text boxes, where letterheads put the patient's name and DOB.
import { isUtf8 } from 'node:buffer';
import { decodeText } from './encoding.js';
import { failure, joinNotes, SegmentCollector } from './limits.js';
import { ParagraphsInOrder, TableRows, type Paragraph } from './package-text.js';
import { NotPlainXml, saxesModule, scanPlainXml } from './plain-xml.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';
import { inflateEntry, normaliseEntryName, readZipEntries, ZipError, type ZipEntry } from './zip.js';

const W_NAMESPACES = new Set([
  'http://schemas.openxmlformats.org/wordprocessingml/2006/main',
  'http://purl.oclc.org/ooxml/wordprocessingml/main', // Strict OOXML
]);
const MC_NAMESPACE = 'http://schemas.openxmlformats.org/markup-compatibility/2006';

/** Parts that hold document text, in reading order: body first, then what surrounds it. */
const TEXT_PARTS: { pattern: RegExp; rank: number }[] = [
  { pattern: /^word\/document\d*\.xml$/, rank: 0 },
  { pattern: /^word\/header\d*\.xml$/, rank: 1 },
  { pattern: /^word\/footer\d*\.xml$/, rank: 2 },
  { pattern: /^word\/footnotes\.xml$/, rank: 3 },
  { pattern: /^word\/endnotes\.xml$/, rank: 4 },
  { pattern: /^word\/comments\.xml$/, rank: 5 },
  { pattern: /^word\/glossary\/document\.xml$/, rank: 6 },
];

/** Document properties (title, subject, author, keywords) are text too: "Letter to <patient>" is common. */
const PROPERTY_PART = 'docprops/core.xml';

export class DoctypeRefused extends Error {
  constructor() {
    super('XML part declares a DTD');
    this.name = 'DoctypeRefused';
  }
}

/**
 * saxes resolves each element's namespace by walking the open elements, so a part nested 100,000 deep costs
 * billions of steps. Word nests a few dozen levels (tables in tables); past this the part is treated as
 * damaged and what came before is kept.
 */
export const MAX_XML_DEPTH = 256;

class NestingTooDeep extends Error {}

export type XmlParagraph = Paragraph;

export interface PartText {
  paragraphs: XmlParagraph[];
  /** The XML broke off: paragraphs up to the damage are kept. */
  damaged: boolean;
  /** It broke off because it nests deeper than MAX_XML_DEPTH. */
  tooDeep?: boolean;
}

/** What a part's reader is told: local names with their namespace, and text (CDATA is not text to Word). */
interface PartEvents {
  open(local: string, uri: string): void;
  close(local: string, uri: string): void;
  text(text: string): void;
}

/** A part's reader: its events, and what they made once the part ends (or breaks off). */
interface PartReader<T> {
  events: PartEvents;
  result(): T;
}

type Outcome = { damaged: boolean; tooDeep?: boolean };

/** How a part broke off: a DTD is refused outright, malformed XML keeps what came before the error. */
function outcomeOf(err: unknown): Outcome {
  if (err instanceof DoctypeRefused) throw err;
  return err instanceof NestingTooDeep ? { damaged: true, tooDeep: true } : { damaged: true };
}

function decodePart(bytes: Uint8Array): string {
  return decodeText(bytes)?.text ?? new TextDecoder('utf-8').decode(bytes);
}

function readWithSaxes<T>(raw: Uint8Array, reader: PartReader<T>): T & Outcome {
  const parser = new (saxesModule().SaxesParser)({ xmlns: true, position: false });
  // Word never writes a DTD; one in a part is an entity-expansion attack (billion laughs) or junk.
  parser.on('doctype', () => {
    throw new DoctypeRefused();
  });
  const { events } = reader;
  parser.on('opentag', (tag) => events.open(tag.local, tag.uri));
  parser.on('closetag', (tag) => events.close(tag.local, tag.uri));
  parser.on('text', (text) => events.text(text));
  let outcome: Outcome = { damaged: false };
  try {
    parser.write(decodePart(raw)).close();
  } catch (err) {
    outcome = outcomeOf(err);
  }
  return { ...reader.result(), ...outcome };
}

/**
 * Reads a part with plain-xml.ts from its bytes when they are UTF-8 (what decodeText would make of them),
 * with saxes and a fresh reader when that reader leaves the part to it: up to there both made the same
 * calls, so the reader gets what saxes would have given it.
 */
function readPartXml<T>(raw: Uint8Array, makeReader: () => PartReader<T>): T & Outcome {
  if (!isUtf8(raw)) return readWithSaxes(raw, makeReader());
  const reader = makeReader();
  const { events } = reader;
  let outcome: Outcome = { damaged: false };
  try {
    scanPlainXml(
      raw,
      { open: (local, _attributes, uri) => events.open(local, uri), close: (local, uri) => events.close(local, uri), text: (text) => events.text(text) },
      { namespaces: true, cdataAsText: false },
    );
  } catch (err) {
    if (err instanceof NotPlainXml) return readWithSaxes(raw, makeReader());
    outcome = outcomeOf(err);
  }
  return { ...reader.result(), ...outcome };
}

/**
 * Paragraphs of one WordprocessingML part. Every w:p is a paragraph, numbered in document order; a text box
 * (w:txbxContent) inside a paragraph yields its own paragraphs. Text comes from w:t and w:delText (deleted
 * text is still in the file), w:tab, w:br and w:cr inside runs; VML fallbacks (mc:Fallback) repeat the
 * text box of their mc:Choice and are skipped.
 */
export function wordprocessingParagraphs(raw: Uint8Array, emit?: (paragraph: XmlParagraph) => void): PartText {
  if (!emit) return readPartXml(raw, () => paragraphReader());
  // A second reader (saxes, where plain-xml.ts gave up part-way, as at a damaged part's end) is told what the
  // first was, so it first emits what the first already did: those are skipped.
  let emitted = 0;
  let readers = 0;
  return readPartXml(raw, () => {
    let repeated = readers++ === 0 ? 0 : emitted;
    return paragraphReader((paragraph) => {
      if (repeated > 0) {
        repeated--;
        return;
      }
      emitted++;
      emit(paragraph);
    });
  });
}

/**
 * With `emit`, paragraphs go to it in document order as they settle (see ParagraphsInOrder), and `paragraphs`
 * comes back empty: a long document's paragraphs are then detected as it is read, not all held until its end.
 */
function paragraphReader(emit?: (paragraph: XmlParagraph) => void): PartReader<{ paragraphs: XmlParagraph[] }> {
  const out = new ParagraphsInOrder(emit);
  const open: { paragraph: number; parts: string[] }[] = [];
  const rows = new TableRows();
  let count = 0;
  let textDepth = 0;
  let runDepth = 0;
  let fallbackDepth = 0;
  let depth = 0;

  const append = (s: string): void => {
    const top = open[open.length - 1];
    if (top) top.parts.push(s);
  };

  const events: PartEvents = {
    open(local, uri) {
      if (++depth > MAX_XML_DEPTH) throw new NestingTooDeep();
      if (uri === MC_NAMESPACE && local === 'Fallback') fallbackDepth++;
      if (fallbackDepth > 0 || !W_NAMESPACES.has(uri)) return;
      switch (local) {
        case 'p':
          count++;
          open.push({ paragraph: count, parts: [] });
          break;
        case 'tr':
          rows.openRow();
          break;
        case 'tc':
          rows.openCell();
          break;
        case 'r':
          runDepth++;
          break;
        case 't':
        case 'delText':
          textDepth++;
          break;
        case 'tab':
          if (runDepth > 0) append('\t');
          break;
        case 'br':
        case 'cr':
          if (runDepth > 0) append('\n');
          break;
        case 'noBreakHyphen':
          if (runDepth > 0) append('-');
          break;
      }
    },
    close(local, uri) {
      depth--;
      if (uri === MC_NAMESPACE && local === 'Fallback') {
        fallbackDepth--;
        return;
      }
      if (fallbackDepth > 0 || !W_NAMESPACES.has(uri)) return;
      switch (local) {
        case 'p': {
          const done = open.pop();
          const paragraph = done && { paragraph: done.paragraph, text: done.parts.join('') };
          if (paragraph && !rows.take(paragraph)) out.add(paragraph);
          out.settle(open.length > 0 || rows.open);
          break;
        }
        case 'tc':
          rows.closeCell();
          break;
        case 'tr': {
          const row = rows.closeRow();
          if (row) out.add(row);
          out.settle(open.length > 0 || rows.open);
          break;
        }
        case 'r':
          runDepth--;
          break;
        case 't':
        case 'delText':
          textDepth--;
          break;
      }
    },
    text(text) {
      if (textDepth > 0 && fallbackDepth === 0) append(text);
    },
  };
  return {
    events,
    result() {
      for (const row of rows.unclosed()) out.add(row);
      for (const unclosed of open) out.add({ paragraph: unclosed.paragraph, text: unclosed.parts.join('') });
      return { paragraphs: out.end() };
    },
  };
}

/** Text of each leaf element of a plain XML part (docProps/core.xml), one "paragraph" per element. */
export function leafElementTexts(raw: Uint8Array): PartText {
  return readPartXml(raw, leafReader);
}

function leafReader(): PartReader<{ paragraphs: XmlParagraph[] }> {
  const out: XmlParagraph[] = [];
  let current = '';
  let count = 0;
  let depth = 0;
  return {
    events: {
      open() {
        if (++depth > MAX_XML_DEPTH) throw new NestingTooDeep();
        current = '';
      },
      text(t) {
        current += t;
      },
      close() {
        depth--;
        if (current.trim()) out.push({ paragraph: ++count, text: current.trim() });
        current = '';
      },
    },
    result: () => ({ paragraphs: out }),
  };
}

export function zipFailure(format: string, err: unknown): ExtractResult {
  if (err instanceof ZipError) return failure(format, err.reason, err.message);
  return failure(format, 'corrupt', `${format.toUpperCase()} could not be read`);
}

function textPartsOf(entries: ZipEntry[]): { entry: ZipEntry; name: string; rank: number }[] {
  const parts: { entry: ZipEntry; name: string; rank: number }[] = [];
  for (const entry of entries) {
    const name = normaliseEntryName(entry.name);
    // Every text part is under word/: the package's other entries need no pattern tried.
    const match = name.startsWith('word/') ? TEXT_PARTS.find((p) => p.pattern.test(name)) : undefined;
    if (match) parts.push({ entry, name: entry.name.replace(/\\/g, '/'), rank: match.rank });
    else if (name === PROPERTY_PART) parts.push({ entry, name: entry.name.replace(/\\/g, '/'), rank: 7 });
  }
  const num = (s: string): number => Number(/(\d+)\.xml$/i.exec(s)?.[1] ?? 0);
  return parts.sort((a, b) => a.rank - b.rank || num(a.name) - num(b.name) || a.name.localeCompare(b.name));
}

/**
 * DOCX: unzips the text parts with a bounded inflate and tokenizes them with saxes. Segment locations are
 * the part and the paragraph number within it. With a sink, paragraphs are detected as they are read (see
 * paragraphReader), rather than all the document's at the end.
 */
export async function extractDocx(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  let entries: ZipEntry[];
  try {
    entries = readZipEntries(bytes);
  } catch (err) {
    return zipFailure('docx', err);
  }
  const parts = textPartsOf(entries);
  if (!parts.some((p) => p.rank === 0)) return failure('docx', 'corrupt', 'DOCX has no word/document.xml');

  const collector = new SegmentCollector(limits.maxTextChars, sink);
  // A file that fails after some parts were handed over reports none of them.
  const failed = (result: ExtractResult): ExtractResult => {
    sink?.reset();
    return result;
  };
  const damaged: string[] = [];
  let inflatedTotal = 0;
  for (const part of parts) {
    let raw: Uint8Array;
    try {
      raw = inflateEntry(bytes, part.entry, limits.maxInflatedBytes);
      inflatedTotal += raw.length;
      // Many parts that each pass the limit are a bomb as a whole.
      if (inflatedTotal > limits.maxInflatedBytes * 4) throw new ZipError('too-large', 'DOCX text parts inflate beyond the limit');
    } catch (err) {
      if (err instanceof ZipError && err.reason !== 'corrupt') return failed(zipFailure('docx', err));
      if (part.rank === 0) return failed(failure('docx', 'corrupt', 'DOCX body part is damaged'));
      damaged.push(part.name);
      continue;
    }
    let room = true;
    let anyText = false;
    // Detection runs inside the parser's callbacks, whose throws the part's reader takes for damaged XML: what
    // the sink throws is kept and thrown from here, as a table reader's is.
    let sinkError: { error: unknown } | undefined;
    // Past the text limit the rest of the part is still parsed, but nothing more is kept.
    const keep = (p: XmlParagraph): void => {
      if (!anyText && p.text.trim()) anyText = true;
      if (!room) return;
      try {
        room = collector.add({ text: p.text, location: { part: part.name, paragraph: p.paragraph } });
      } catch (error) {
        sinkError = { error };
        room = false;
      }
    };
    let partText: PartText;
    try {
      partText = part.rank === 7 ? leafElementTexts(raw) : wordprocessingParagraphs(raw, keep);
    } catch (err) {
      if (err instanceof DoctypeRefused) return failed(failure('docx', 'corrupt', `DOCX part ${part.name} declares a DTD (refused)`));
      damaged.push(part.name);
      continue;
    }
    for (const p of partText.paragraphs) keep(p);
    if (sinkError) throw sinkError.error;
    // A body that is not XML at all gave nothing: that is a corrupt file, not a clean one with a note.
    if (part.rank === 0 && partText.damaged && !anyText) {
      return failed(failure('docx', 'corrupt', partText.tooDeep ? `DOCX body nests deeper than ${MAX_XML_DEPTH} levels` : 'DOCX body part is not readable XML'));
    }
    if (partText.tooDeep) damaged.push(`${part.name} (nested deeper than ${MAX_XML_DEPTH} levels)`);
    else if (partText.damaged) damaged.push(part.name);
    if (!room) break;
  }
  const degraded = joinNotes(damaged.length ? `unreadable parts: ${damaged.join(', ')}` : undefined, collector.degradedNote());
  return { ok: true, format: 'docx', segments: collector.segments, ...(degraded ? { degraded } : {}) };
}
