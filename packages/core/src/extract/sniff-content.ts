import { isGzip, looksLikeTar } from './archive-formats.js';
import type { ZipEntry } from './zip.js';

/**
 * Content sniffing for the formats a clinic's share holds besides plain office files: archives, healthcare
 * interchange formats, legacy Office, OpenDocument, RTF and mail. Files on a share are renamed, exported with
 * the wrong extension or with none (an HL7 feed as .dat, a FHIR export as .txt), so the bytes decide.
 */

export type ContentFormat =
  | 'tar'
  | 'gzip'
  | 'dicom'
  | 'pptx'
  | 'odf'
  | 'doc'
  | 'xls'
  | 'msg'
  | 'ppt'
  | 'rtf'
  | 'eml'
  | 'mbox'
  | 'fhir-json'
  | 'fhir-xml'
  | 'cda'
  | 'x12';

/**
 * Formats recognised before the PDF check and the generic binary magics: a tar whose first member is a PDF
 * has '%PDF-' within its first kilobyte, and a DICOM file may wrap a PDF too.
 */
export function sniffEarlyBinary(bytes: Uint8Array): ContentFormat | undefined {
  if (isGzip(bytes)) return 'gzip';
  if (bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d) return 'dicom';
  if (looksLikeTar(bytes)) return 'tar';
  return undefined;
}

/** Zip packages that are documents, not archives: PowerPoint and OpenDocument (by its `mimetype` part). */
export function sniffZipPackage(entries: readonly ZipEntry[]): ContentFormat | undefined {
  const names = new Set(entries.map((e) => e.name.replace(/\\/g, '/').toLowerCase()));
  if (names.has('ppt/presentation.xml')) return 'pptx';
  if (names.has('mimetype') && names.has('content.xml')) return 'odf';
  return undefined;
}

/** Name of an OLE directory entry as written (UTF-16LE), to find streams without walking the FAT. */
function hasOleEntry(bytes: Uint8Array, name: string): boolean {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const needle = Buffer.from(name, 'utf16le');
  let at = buf.indexOf(needle, 512);
  while (at >= 0) {
    // Directory entries are 128-byte records; the name length (with terminator) sits at offset 64.
    if (at % 128 === 0 && at + 66 <= buf.length && buf.readUInt16LE(at + 64) === (name.length + 1) * 2) return true;
    at = buf.indexOf(needle, at + 1);
  }
  return false;
}

/** Which legacy application wrote an OLE compound file, by the streams it holds. */
export function sniffOle(bytes: Uint8Array): ContentFormat | undefined {
  // A mail first: a .msg with an attached Word file holds a WordDocument stream of its own.
  if (hasOleEntry(bytes, '__properties_version1.0') || hasOleEntry(bytes, '__nameid_version1.0')) return 'msg';
  if (hasOleEntry(bytes, 'WordDocument')) return 'doc';
  if (hasOleEntry(bytes, 'Workbook') || hasOleEntry(bytes, 'Book')) return 'xls';
  if (hasOleEntry(bytes, 'PowerPoint Document')) return 'ppt';
  return undefined;
}

const MAIL_HEADERS = /^(from|to|cc|subject|date|message-id|received|mime-version|return-path|delivered-to|reply-to|content-type|x-[a-z0-9-]+):/i;

/** Headers only a mail transport or a mail program writes: notes that open with "Date:" and "Subject:" lack them. */
const TRANSPORT_HEADERS = /^(received|message-id|mime-version|return-path|delivered-to|x-mailer|x-originating-ip|dkim-signature):/i;

function looksLikeMailHeaders(lines: readonly string[], strict: boolean): boolean {
  let known = 0;
  let transport = false;
  for (const line of lines) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) continue; // folded header
    if (!/^[!-9;-~]+:/.test(line)) return false;
    if (MAIL_HEADERS.test(line)) known++;
    if (TRANSPORT_HEADERS.test(line)) transport = true;
  }
  return known >= 2 && (transport || !strict);
}

function skipXmlProlog(text: string): string {
  return text.replace(/^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/, '');
}

/** Text formats with structure of their own, decided from the decoded start of the file. */
export function sniffStructuredText(head: string, ext: string): ContentFormat | undefined {
  const text = head.replace(/^\ufeff/, '');
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{\\rtf')) return 'rtf';
  if (/^ISA([^\p{L}\p{N}\s])/u.test(trimmed) && trimmed.slice(0, 120).split(trimmed[3]!).length >= 17) return 'x12';
  if (/^\[?\s*\{/.test(trimmed) && /^\[?\s*\{[^{}]{0,2048}?"resourceType"\s*:\s*"[A-Z][A-Za-z]+"/.test(trimmed.slice(0, 4096))) return 'fhir-json';
  if (trimmed.startsWith('<')) {
    const body = skipXmlProlog(trimmed).slice(0, 4096);
    if (/^<(?:[\w-]+:)?ClinicalDocument\b/.test(body) && body.includes('urn:hl7-org:v3')) return 'cda';
    if (/^<(?:[\w-]+:)?[A-Z][A-Za-z]+\b[^>]*xmlns(?::[\w-]+)?\s*=\s*["']http:\/\/hl7\.org\/fhir["']/.test(body)) return 'fhir-xml';
  }
  // Mail opens with a header line (or an mbox "From " line): most text does not, and splitting 8 KB into
  // lines for every file cost more than the rest of the sniff. These are the first tests the full check makes.
  if (!/^(?:From \S|[ \t]|[!-9;-~]+:)/.test(text)) return undefined;
  const lines = text.slice(0, 8192).split(/\r?\n/);
  const mailName = ext === 'eml' || ext === 'mbox' || ext === 'mbx';
  if (/^From \S+/.test(lines[0] ?? '') && looksLikeMailHeaders(lines.slice(1), !mailName)) return 'mbox';
  if (looksLikeMailHeaders(lines, !mailName)) return 'eml';
  return undefined;
}
