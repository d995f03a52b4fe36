import type { Parser } from 'htmlparser2';
import { Buffer, isUtf8 } from 'node:buffer';
import { asciiTextOf, decodeKnownUtf8, decodeSingleByteText, decodeText } from './encoding.js';
import { flattenMarkup, markupNestsDeeperThan } from './markup-depth.js';
import { HtmlLayout } from './html-layout.js';
import { capText, joinNotes } from './limits.js';
import { requireOnce } from './load-once.js';
import type { ExtractLimits, ExtractResult, TextSegment } from './types.js';

export type MarkupKind = 'html' | 'xml' | null;

const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);
const XML_EXTENSIONS = new Set(['xml', 'xsd', 'xsl', 'xslt', 'svg', 'rss', 'plist', 'ccd', 'cda']);

/** Attributes whose values are text a person reads or types (form values are a classic PHI leak in saved pages). */
const HTML_TEXT_ATTRIBUTES = ['value', 'alt', 'title', 'placeholder', 'content', 'aria-label', 'label'];

/** How far markupKind looks: its head is the text's first 512 characters, leading whitespace and all. */
const MARKUP_HEAD_CHARS = 512;

/** By extension first, then by how the text opens: an export named .txt is often HTML. */
export function markupKind(text: string, extension: string): MarkupKind {
  if (HTML_EXTENSIONS.has(extension)) return 'html';
  if (XML_EXTENSIONS.has(extension)) return 'xml';
  if (extension === 'json' || extension === 'csv' || extension === 'md') return null;
  const head = text.slice(0, MARKUP_HEAD_CHARS).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (head.startsWith('<?xml')) return 'xml';
  return null;
}

/**
 * markupKind of the text these bytes start, decoding (`decode`) only when how they open leaves it open. An ASCII
 * character other than `<` after ASCII whitespace is where the head's trimStart stops, and no markup opens with
 * it, so only the extension can still decide; a file that opens otherwise (`<`, a byte from 0x80 up, which may be
 * Unicode whitespace) is decoded and asked as before.
 */
function markupKindOfBytes(bytes: Uint8Array, extension: string, decode: () => string): MarkupKind {
  let i = 0;
  while (i < bytes.length && i < MARKUP_HEAD_CHARS && (bytes[i] === 0x20 || (bytes[i]! >= 0x09 && bytes[i]! <= 0x0d))) i++;
  // Past the head's blanks (i at its end) nothing opens either way.
  const first = bytes[i];
  if (first !== undefined && first < 0x80 && first !== 0x3c) return markupKind('', extension);
  return markupKind(decode(), extension);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * htmlparser2 and its entity tables took ~30 ms of every worker's start, for markup most scans meet late or
 * never: it is loaded (synchronously, through its CommonJS build) when the first HTML or XML text is read.
 */
const htmlparser2 = requireOnce<typeof import('htmlparser2')>('htmlparser2');

/**
 * Text content of HTML or XML with entities decoded. htmlparser2 is used for both because it is forgiving:
 * saved web pages are rarely valid, and a strict XML parser stops at the first error and would hide the
 * rest of a malformed file. It never expands DTD entities. Tags vanish ("DOB: <b>03/14/1962</b>" reads
 * "DOB: 03/14/1962") but their newlines stay, so line numbers in the text still match the file; attribute
 * values that hold text (HTML form values, alt text; every XML attribute) are kept, set off by spaces. In HTML,
 * a table row, a <dt>/<dd> pair or a <label> and its value are joined on one line as "Label: value"
 * (see HtmlLayout); lines after the join still match the file.
 */
export function markupToText(source: string, kind: 'html' | 'xml'): string {
  if (markupNestsDeeperThan(source, kind)) return flattenMarkup(source);
  const out: string[] = [];
  // Pages put labels and values in separate cells; the layout joins them back on one line.
  const layout = kind === 'html' ? new HtmlLayout(out) : undefined;
  const emit = (text: string): void => {
    if (layout) layout.text(text);
    else out.push(text);
  };
  const keepTagNewlines = (parser: Parser): void => {
    const n = countNewlines(source.slice(parser.startIndex, parser.endIndex + 1));
    if (n === 0) return;
    if (layout) layout.newlines(n);
    else out.push('\n'.repeat(n));
  };
  const HtmlParser = htmlparser2().Parser;
  const parser: Parser = new HtmlParser(
    {
      onopentag(name, attribs) {
        layout?.open(name);
        const values: string[] = [];
        for (const [key, value] of Object.entries(attribs)) {
          if (!value.trim()) continue;
          if (kind === 'xml') {
            if (key === 'xmlns' || key.startsWith('xmlns:') || key.startsWith('xsi:')) continue;
            values.push(`${key}: ${value.replace(/\s*\n\s*/g, ' ')}`);
          } else if (HTML_TEXT_ATTRIBUTES.includes(key.toLowerCase())) {
            values.push(value.replace(/\s*\n\s*/g, ' '));
          }
        }
        if (values.length > 0) emit(` ${values.join(' ')} `);
        // <br> and block ends separate words that the layout separates.
        if (layout && name === 'br') layout.text(' ', false);
        keepTagNewlines(parser);
      },
      onclosetag(name, isImplied) {
        if (!isImplied) keepTagNewlines(parser);
        if (layout && /^(p|div|td|th|li|tr|h[1-6])$/.test(name)) layout.text(' ', false);
        layout?.close(name);
      },
      ontext(data) {
        emit(data);
      },
      oncomment(data) {
        // Comments are still in the file for anyone who opens it.
        emit(data);
      },
      onprocessinginstruction() {
        keepTagNewlines(parser);
      },
    },
    { xmlMode: kind === 'xml', decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(source);
  parser.end();
  layout?.end();
  return out.join('');
}

/**
 * A whole file's text as one segment from line 1, cut at the character limit. `note` says why the file was
 * read as text when its format would give more (a JSON file too large to parse).
 */
export function wholeTextResult(format: string, raw: string, encoding: string, limits: ExtractLimits, note?: string): ExtractResult {
  const { text, truncated } = capText(raw, limits.maxTextChars);
  const degraded = joinNotes(truncated ? `text truncated at ${limits.maxTextChars} characters` : undefined, note);
  return {
    ok: true,
    format,
    // Not text.trim(): that copies a whole file's text to see whether any of it is not whitespace.
    segments: /\S/.test(text) ? [{ text, location: { line: 1 } }] : [],
    encoding,
    ...(degraded ? { degraded } : {}),
  };
}

/**
 * Plain text family: txt, log, html and unknown text. One segment for the whole file. `singleByte`: the sniff
 * found no BOM, no UTF-16 and no binary in the sample, so only the UTF-8-or-Latin-1 decode is left to do.
 * `lazyAscii`: the caller's detectors read an ASCII or UTF-8 file from its bytes (ExtractContext.lazyAscii).
 */
export async function extractPlainText(bytes: Uint8Array, limits: ExtractLimits, extension = '', singleByte = false, lazyAscii = false): Promise<ExtractResult> {
  const lazy = singleByte && lazyAscii ? (asciiTextResult(bytes, limits, extension) ?? utf8TextResult(bytes, limits, extension)) : undefined;
  if (lazy) return lazy;
  const decoded = singleByte ? decodeSingleByteText(bytes) : decodeText(bytes);
  if (!decoded) return { ok: false, format: 'text', reason: 'unsupported', message: 'binary file' };
  const kind = markupKind(decoded.text, extension);
  const raw = kind ? markupToText(decoded.text, kind) : decoded.text;
  return wholeTextResult(kind ?? 'text', raw, decoded.encoding, limits);
}

/**
 * What wholeTextResult gives for a file whose bytes are all ASCII, but with the bytes in the segment and its text
 * made only when something reads it (TextSegment.ascii): the detectors read it only where a pattern may be due,
 * so a clean file is never decoded. Undefined for markup, or past the character limit: the decoded path then.
 */
function asciiTextResult(bytes: Uint8Array, limits: ExtractLimits, extension: string): ExtractResult | undefined {
  if (bytes.length > limits.maxTextChars) return undefined;
  // Before asciiTextOf, which takes the sniff's text: markup goes on to the decoded path, which wants it. markupKind
  // reads no further than this; for an ASCII file it is the decoded text's head, and any other goes that way anyway.
  if (markupKindOfBytes(bytes, extension, () => Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MARKUP_HEAD_CHARS)).toString('latin1'))) return undefined;
  const decode = asciiTextOf(bytes);
  if (!decode) return undefined;
  return { ok: true, format: 'text', segments: hasNonBlankByte(bytes) ? [new AsciiFileText(bytes, decode)] : [], encoding: 'utf-8' };
}

/**
 * The same for a file that is valid UTF-8 and not all ASCII (a few dashes or accented names in English text, as
 * most exported notes are): the segment carries the bytes (TextSegment.utf8), and a file the detectors find
 * nothing due in is never decoded. Undefined for markup, past the character limit, or for bytes that are not
 * UTF-8 throughout: the decoded path then, which tells UTF-8 cut mid-character from Latin-1.
 */
function utf8TextResult(bytes: Uint8Array, limits: ExtractLimits, extension: string): ExtractResult | undefined {
  // Each character is at least one byte: within the limit in bytes, the text is within it in characters.
  if (bytes.length > limits.maxTextChars) return undefined;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The sniff let no BOM through (singleByte); were one here, the decoded path would drop it and the text differ.
  if (!isUtf8(buffer) || (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf)) return undefined;
  // markupKind reads the text's first 512 characters; 2,048 bytes hold at least that many (or the whole file),
  // and a character this cuts in two lies past them.
  if (markupKindOfBytes(bytes, extension, () => buffer.toString('utf8', 0, Math.min(buffer.length, 4 * MARKUP_HEAD_CHARS)))) return undefined;
  const segment = new Utf8FileText(bytes);
  // As wholeTextResult's /\S/: a printing ASCII byte settles it; only text of ASCII blanks and other characters
  // is decoded to ask (U+00A0 and U+3000 are blanks to /\S/).
  return { ok: true, format: 'text', segments: hasNonBlankByte(bytes, true) || /\S/.test(segment.text) ? [segment] : [], encoding: 'utf-8' };
}

/** A whole UTF-8 file as a segment whose text is made on first read (see utf8TextResult, AsciiFileText). */
class Utf8FileText implements TextSegment {
  readonly location = { line: 1 };
  #text: string | undefined;

  constructor(readonly utf8: Uint8Array) {}

  get text(): string {
    this.#text ??= decodeKnownUtf8(this.utf8);
    return this.#text;
  }
}

/**
 * A whole ASCII file as a segment whose text is made on first read. A class, not an object literal with a
 * getter: a literal's getter is a new function per file, which gave every segment a hidden class of its own
 * (10,000 small files promoted ~50 MB to the old generation and quadrupled the full collections).
 */
class AsciiFileText implements TextSegment {
  readonly location = { line: 1 };
  #text: string | undefined;
  #decode: (() => string) | undefined;

  constructor(
    readonly ascii: Uint8Array,
    decode: () => string,
  ) {
    this.#decode = decode;
  }

  get text(): string {
    if (this.#text === undefined) {
      this.#text = this.#decode!();
      this.#decode = undefined;
    }
    return this.#text;
  }
}

/**
 * /\S/ over ASCII: a byte that is not a tab, line feed, vertical tab, form feed, carriage return or space.
 * `asciiOnly`: bytes past 0x7f (parts of other characters, some of them blanks) do not count.
 */
function hasNonBlankByte(bytes: Uint8Array, asciiOnly = false): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b !== 0x20 && (b < 0x09 || b > 0x0d) && (!asciiOnly || b < 0x80)) return true;
  }
  return false;
}
