import { isAscii } from 'node:buffer';
import { countControlBytes, detectBomlessUtf16, looksBinary, rememberAsciiText } from './extract/encoding.js';
import { findEntry, isZip, readZipEntries, ZipError } from './extract/zip.js';
import { sniffEarlyBinary, sniffOle, sniffStructuredText, sniffZipPackage, type ContentFormat } from './extract/sniff-content.js';

/**
 * Formats sniffFormat can return. 'text' is plain text (txt, log and any unknown text); 'json', 'xml', 'html'
 * and 'markdown' are text with a structure their extractors read; 'zip-other' and 'ole' are containers we do
 * not extract yet; 'binary' is never given to a text decoder.
 */
export type SniffedFormat =
  | 'empty'
  | 'pdf'
  | 'docx'
  | 'xlsx'
  | 'zip-other'
  | 'ole'
  | 'ole-encrypted'
  | 'hl7'
  | 'csv'
  | 'tsv'
  | 'json'
  | 'xml'
  | 'html'
  | 'markdown'
  | 'text'
  | 'binary'
  | ContentFormat;

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Magic numbers of common binary formats: no point decoding a JPEG as Latin-1. */
const BINARY_MAGICS: { offset: number; bytes: number[] }[] = [
  { offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // PNG
  { offset: 0, bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { offset: 0, bytes: [0x47, 0x49, 0x46, 0x38] }, // GIF8
  { offset: 0, bytes: [0x1f, 0x8b] }, // gzip
  { offset: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] }, // ELF
  { offset: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] }, // 7z
  { offset: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] }, // RAR
  { offset: 0, bytes: [0x42, 0x5a, 0x68] }, // bzip2
  { offset: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // TIFF little-endian
  { offset: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // TIFF big-endian
  { offset: 0, bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00] }, // SQLite
  { offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] }, // MP4 / MOV / HEIC 'ftyp'
];

export const PDF_WINDOW = 1024;
const SNIFF_SAMPLE = 64 * 1024;

function hasAt(bytes: Uint8Array, offset: number, magic: number[]): boolean {
  if (bytes.length < offset + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[offset + i] !== magic[i]) return false;
  return true;
}

export function extensionOf(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

function containsAscii(bytes: Uint8Array, needle: string, limit = bytes.length): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(limit, bytes.length)).indexOf(needle, 0, 'latin1') >= 0;
}

/**
 * An encrypted OOXML file is an OLE compound file with a stream named "EncryptedPackage". Directory entries
 * are 128-byte records at 128-byte alignment (sectors are 512 or 4096 bytes) holding the name in UTF-16LE
 * and its byte length (34 for this name, with the terminator) at offset 64: checking both avoids a full
 * FAT walk and false hits on the name inside stream data.
 */
export function oleHasEncryptedPackage(bytes: Uint8Array): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const needle = Buffer.from('EncryptedPackage', 'utf16le');
  let at = buf.indexOf(needle, 512);
  while (at >= 0) {
    if (at % 128 === 0 && at + 66 <= buf.length && buf.readUInt16LE(at + 64) === 34) return true;
    at = buf.indexOf(needle, at + 1);
  }
  return false;
}

function sniffZip(bytes: Uint8Array, ext: string): SniffedFormat {
  try {
    const entries = readZipEntries(bytes);
    if (findEntry(entries, 'word/document.xml')) return 'docx';
    if (findEntry(entries, 'xl/workbook.xml')) return 'xlsx';
    return sniffZipPackage(entries) ?? 'zip-other';
  } catch (err) {
    if (!(err instanceof ZipError)) throw err;
    // A damaged zip: local headers keep their names in clear, so a truncated DOCX still says what it was
    // and reaches its extractor, which reports it as corrupt rather than as an unsupported archive.
    if (['docx', 'docm', 'dotx', 'dotm'].includes(ext) || containsAscii(bytes, 'word/document.xml', SNIFF_SAMPLE * 4)) return 'docx';
    if (['xlsx', 'xlsm', 'xltx', 'xltm'].includes(ext) || containsAscii(bytes, 'xl/workbook.xml', SNIFF_SAMPLE * 4)) return 'xlsx';
    return 'zip-other';
  }
}

/**
 * 'MSH', a field separator (usually '|', but MSH-1 may name another) and the encoding characters up to the
 * separator again: what every HL7 v2 message opens with.
 */
const MSH_START = /^MSH([^\p{L}\p{N}\s])[^\p{L}\p{N}\s]{1,5}\1/u;

/** Whether the text (a BOM and leading whitespace skipped) opens an HL7 v2 message, in UTF-8 or UTF-16. */
function startsWithMsh(bytes: Uint8Array, head?: string): boolean {
  const sample = bytes.subarray(0, 4096);
  const utf16 = head !== undefined ? null : hasAt(sample, 0, [0xff, 0xfe]) ? 'utf-16le' : hasAt(sample, 0, [0xfe, 0xff]) ? 'utf-16be' : detectBomlessUtf16(sample);
  const text = head?.slice(0, 4096) ?? new TextDecoder(utf16 ?? 'latin1').decode(sample);
  return MSH_START.test(text.replace(/^[\ufeff\u00ef\u00bb\u00bf\s\u000b\u001c]+/, ''));
}

const JSON_EXTENSIONS = new Set(['json', 'ndjson', 'jsonl', 'geojson']);
const MARKDOWN_EXTENSIONS = new Set(['md', 'markdown', 'mdown', 'mkd']);
const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);
const XML_EXTENSIONS = new Set(['xml', 'xsd', 'xsl', 'xslt', 'svg', 'rss', 'plist', 'ccd', 'cda']);

/** As many characters as the longest opening sniffMarkupText looks for ('<!doctype html'). */
const MARKUP_OPENING_CHARS = 14;

/** Name of the first element after the XML prolog, comments and doctype: 'html' makes XHTML a page. */
function firstElementName(head: string): string | undefined {
  return /<([A-Za-z_][\w:.-]*)/.exec(head.replace(/<!--[\s\S]*?-->/g, ''))?.[1]?.toLowerCase();
}

/**
 * Markup and data text: by extension first, then by how it opens, so an export named .txt or with no
 * extension is still read as the JSON, XML or HTML it is. Content that merely starts like JSON ('[INFO] …')
 * goes to the JSON extractor, which reads it as plain text when it does not parse. `head`: the file's decoded
 * start when the caller has it (ASCII's head, or an opening that decides).
 */
function sniffMarkupText(bytes: Uint8Array, ext: string, head?: string): SniffedFormat {
  if (JSON_EXTENSIONS.has(ext)) return 'json';
  if (MARKDOWN_EXTENSIONS.has(ext)) return 'markdown';
  if (HTML_EXTENSIONS.has(ext)) return 'html';
  let decoded: string;
  if (head !== undefined) {
    decoded = head.slice(0, 4096);
  } else {
    const sample = bytes.subarray(0, 4096);
    const utf16 = hasAt(sample, 0, [0xff, 0xfe]) ? 'utf-16le' : hasAt(sample, 0, [0xfe, 0xff]) ? 'utf-16be' : detectBomlessUtf16(sample);
    decoded = new TextDecoder(utf16 ?? 'utf-8').decode(sample);
  }
  const opening = decoded.replace(/^\ufeff/, '').trimStart();
  const rootIsHtml = () => firstElementName(opening.toLowerCase()) === 'html';
  if (XML_EXTENSIONS.has(ext)) return rootIsHtml() ? 'html' : 'xml';
  // The first characters decide, lowered alone: lowering the whole head of every text file cost ~1 µs.
  const start = opening.slice(0, MARKUP_OPENING_CHARS).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html')) return 'html';
  if (start.startsWith('<?xml')) return rootIsHtml() ? 'html' : 'xml';
  if (start.startsWith('{') || start.startsWith('[')) return 'json';
  return 'text';
}

/** The decoded start of a text file, for formats recognised by how their text opens. */
function decodeHead(bytes: Uint8Array): string {
  const sample = bytes.subarray(0, HEAD_BYTES);
  const utf16 = hasAt(sample, 0, [0xff, 0xfe]) ? 'utf-16le' : hasAt(sample, 0, [0xfe, 0xff]) ? 'utf-16be' : detectBomlessUtf16(sample);
  return new TextDecoder(utf16 ?? 'utf-8').decode(sample);
}

/**
 * 'text', 'binary', or 'single-byte': text with no BOM and no BOM-less UTF-16 in the sample, which decodes
 * as UTF-8 or Latin-1 (decodeText would find the same from the same sample, so its extractor need not look again).
 */
function textKind(bytes: Uint8Array): 'text' | 'single-byte' | 'binary' {
  const sample = bytes.subarray(0, SNIFF_SAMPLE);
  if (hasAt(sample, 0, [0xff, 0xfe]) || hasAt(sample, 0, [0xfe, 0xff])) return 'text';
  if (detectBomlessUtf16(sample)) return 'text';
  const bom = hasAt(sample, 0, [0xef, 0xbb, 0xbf]);
  if (looksBinary(bom ? sample.subarray(3) : sample)) return 'binary';
  return bom ? 'text' : 'single-byte';
}

/** Control bytes (not whitespace or ESC) beyond this share make ASCII binary, as looksBinary counts them. */
const ASCII_CONTROL_SHARE_MAX = 0.1;

/**
 * The start of a file as a string when its sample is printable ASCII with no NUL: then no BOM and no UTF-16
 * can be found in any part of it, looksBinary reduces to its control-byte share, and UTF-8, Latin-1 and
 * windows-1252 decode it alike, so one pass and one decode stand in for the four samples the general path
 * decodes. Undefined when the sample is not such ASCII, or is binary by that share ('binary').
 */
function asciiHead(bytes: Uint8Array, ext: string): string | 'binary' | undefined {
  const sample = bytes.subarray(0, SNIFF_SAMPLE);
  if (!isAscii(sample) || Buffer.from(sample.buffer, sample.byteOffset, sample.length).indexOf(0) >= 0) return undefined;
  if (countControlBytes(sample) / sample.length > ASCII_CONTROL_SHARE_MAX) return 'binary';
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  // Most text files open with a word: their opening alone decides, and their whole text is never made unless
  // the detectors want it (they did for ~2 % of the benchmark's 10 KiB notes).
  if (!XML_EXTENSIONS.has(ext)) {
    const opening = view.toString('latin1', 0, Math.min(bytes.length, PLAIN_OPENING_BYTES));
    if (opensAsPlainText(opening)) return opening;
  }
  const head = view.toString('latin1', 0, Math.min(bytes.length, HEAD_BYTES));
  // The whole file, then: its extractor need not decode it again.
  if (head.length === bytes.length) rememberAsciiText(bytes, head);
  return head;
}

const HEAD_BYTES = 16 * 1024;

/** The opening the sniff decodes first, for text that may be told from its first word (see opensAsPlainText). */
const PLAIN_OPENING_BYTES = 256;

/**
 * True when no opening test of the sniff can match text that opens like this, judged from its first word:
 * JSON, FHIR, XML and markup open with a mark (`<`, `{`, `[`), mail with whitespace, `From ` or a first word
 * ending in a colon, HL7 with `MSH` and X12 with `ISA` (see sniffStructuredText, startsWithMsh and
 * sniffMarkupText; a new test there must be ruled out here too). The word must end inside the opening, on a
 * space or a control character, so that more text could not make it a header name. As nothing past the
 * first word is read, the opening may be decoded as UTF-8 where a test would have read Latin-1.
 */
function opensAsPlainText(opening: string): boolean {
  return PLAIN_OPENING.test(opening);
}

/**
 * The opening of single-byte text (see textKind) as UTF-8 when it opens as plain text, else undefined: the
 * general path decodes a 16 KiB head and two 4 KiB samples of it. One of those samples alone may still look
 * like UTF-16 (the file's sample did not), so an opening with a NUL goes the general way.
 */
function plainSingleByteOpening(bytes: Uint8Array, ext: string): string | undefined {
  if (XML_EXTENSIONS.has(ext)) return undefined;
  const opening = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PLAIN_OPENING_BYTES)).toString('utf8');
  return !opening.includes('\0') && opensAsPlainText(opening) ? opening : undefined;
}

const PLAIN_OPENING = /^(?!From |MSH|ISA)[A-Za-z0-9][!-9;-~]*[^!-~]/;

/**
 * Picks the extractor for a file: magic bytes first, extension second, so a renamed file is still read
 * for what it is and a binary file named .txt is not decoded as text.
 */
export function sniffFormat(bytes: Uint8Array, path: string): SniffedFormat {
  return sniffDetail(bytes, path).format;
}

/**
 * The format and, for plain text, whether it is single-byte text (no BOM, no UTF-16 in the sample, not
 * binary): decodeText would test the same sample again for every file before decoding it.
 */
export function sniffDetail(bytes: Uint8Array, path: string): { format: SniffedFormat; singleByte?: boolean } {
  const format = sniffBytes(bytes, path);
  return typeof format === 'string' ? { format } : format;
}

function sniffBytes(bytes: Uint8Array, path: string): SniffedFormat | { format: SniffedFormat; singleByte: boolean } {
  if (bytes.length === 0) return 'empty';
  const ext = extensionOf(path);
  const early = sniffEarlyBinary(bytes);
  if (early) return early;
  // A zip first: one whose first member is a stored PDF has `%PDF-` in its first KiB too.
  if (isZip(bytes) || hasAt(bytes, 0, [0x50, 0x4b, 0x05, 0x06])) return sniffZip(bytes, ext);
  if (containsAscii(bytes, '%PDF-', PDF_WINDOW)) return 'pdf';
  if (hasAt(bytes, 0, OLE_MAGIC)) return oleHasEncryptedPackage(bytes) ? 'ole-encrypted' : (sniffOle(bytes) ?? 'ole');
  for (const m of BINARY_MAGICS) if (hasAt(bytes, m.offset, m.bytes)) return 'binary';
  // 'MZ' alone starts ordinary words; a PE header also has NULs right after it.
  if (hasAt(bytes, 0, [0x4d, 0x5a]) && bytes.length >= 64 && bytes.subarray(2, 64).includes(0)) return 'binary';
  const ascii = asciiHead(bytes, ext);
  if (ascii === 'binary') return 'binary';
  const kind = ascii === undefined ? textKind(bytes) : 'single-byte';
  if (kind === 'binary') return 'binary';
  // UTF-8 or Latin-1 text with no BOM and no UTF-16 in its sample: its opening may decide, as ASCII's does.
  const head = ascii ?? (kind === 'single-byte' ? plainSingleByteOpening(bytes, ext) : undefined);
  if (startsWithMsh(bytes, head)) return 'hl7';
  const structured = sniffStructuredText(head ?? decodeHead(bytes), ext);
  if (structured) return structured;
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  const format = sniffMarkupText(bytes, ext, head);
  return format === 'text' ? { format, singleByte: kind === 'single-byte' } : format;
}
