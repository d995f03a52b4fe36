import { extensionOf, PDF_WINDOW, sniffDetail, type SniffedFormat } from '../sniff.js';
import { extractCsv, extractTsv } from './csv.js';
import { extractHl7 } from './hl7.js';
import { failure } from './limits.js';
import { extractMarkdown } from './markdown.js';
import { extractPlainText } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ExtractResult, type Extractor, type SegmentSink } from './types.js';
import { DEFAULT_ARCHIVE_DEPTH, newArchiveBudget, type ArchiveBudget, type ArchiveKind } from './archive-formats.js';
import { loadContentExtractor } from './content-extractors.js';
import { loadOnce } from './load-once.js';
import type * as Archive from './archive.js';
import type * as Docx from './docx.js';
import type * as Json from './json.js';
import type * as Pdf from './pdf.js';
import type * as Xlsx from './xlsx.js';
import type * as Xml from './xml.js';

export { decodeText, type DecodedText, type TextEncodingName } from './encoding.js';
export { extractCsv, extractTsv, parseDelimited } from './csv.js';
export { extractHl7, decodeHl7Escapes, hl7FieldLabel } from './hl7.js';
export { extractMarkdown, markdownToText } from './markdown.js';
export { extractPlainText, markupToText } from './text.js';

/**
 * A worker loads an extractor's module (and its libraries: saxes, fflate, cfb, postal-mime, …) when it first
 * meets the format (archives too), not at start-up: loading them all cost every worker ~140 ms, most of it for formats a
 * scan never sees. The text, CSV, HL7 and Markdown modules stay static: they are small, plain text is in
 * nearly every scan, and this module re-exports synchronous helpers of theirs.
 */
const archiveModule = loadOnce(() => import('./archive.js'));
const docxModule = loadOnce(() => import('./docx.js'));
const xlsxModule = loadOnce(() => import('./xlsx.js'));
const pdfModule = loadOnce(() => import('./pdf.js'));
const jsonModule = loadOnce(() => import('./json.js'));
const xmlModule = loadOnce(() => import('./xml.js'));

export const extractDocx: typeof Docx.extractDocx = async (bytes, limits, sink) => (await docxModule()).extractDocx(bytes, limits, sink);
export const extractXlsx: typeof Xlsx.extractXlsx = async (bytes, limits, sink) => (await xlsxModule()).extractXlsx(bytes, limits, sink);
export const extractPdf: typeof Pdf.extractPdf = async (bytes, limits, sink) => (await pdfModule()).extractPdf(bytes, limits, sink);
export const extractJson: typeof Json.extractJson = async (bytes, limits) => (await jsonModule()).extractJson(bytes, limits);
export const extractXml: typeof Xml.extractXml = async (bytes, limits) => (await xmlModule()).extractXml(bytes, limits);

/**
 * For a worker that has read the next file while it scans this one: when it is a PDF that pdftotext will
 * read, pdftotext starts on it now (see extract/pdf.ts prefetchPdf), and extractText on the same bytes at
 * the top level takes that run. `releasePrefetched` after the file's scan drops a run nobody took. The cheap
 * look for '%PDF-' comes first, so other files cost no second sniff.
 */
export async function prefetchText(bytes: Uint8Array, path: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<void> {
  if (!Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PDF_WINDOW)).includes('%PDF-', 0, 'latin1')) return;
  let format: SniffedFormat;
  try {
    format = sniffDetail(bytes, path).format;
  } catch {
    return;
  }
  if (format !== 'pdf') return;
  (await pdfModule()).prefetchPdf(bytes, limits);
  pdfPrefetches.add(bytes);
}

export async function releasePrefetched(bytes: Uint8Array): Promise<void> {
  if (pdfPrefetches.delete(bytes)) (await pdfModule()).releasePdf(bytes);
}

const pdfPrefetches = new WeakSet<Uint8Array>();

/**
 * Ends the helper processes the extractors started in this thread (pdftotext's shell) and waits for them to
 * exit; extraction after it starts them again. For a caller that extracts PDFs itself and wants no child left
 * when it is done; a scan's workers call it before the scan's pool ends them. The other: whether there are any.
 */
export { closePdftotextShells as closeExtractorProcesses, pdftotextShellsStarted as extractorProcessesStarted } from './pdftotext.js';

/** The scan's cores, shared by its workers, that a long file may borrow to read in parts (see SpareCores). */
export { usePdftotextCores as useSpareCores } from './pdftotext.js';

/** Extractors by sniffed format; plain text is bound per call because it looks at the extension. */
const EXTRACTORS: Partial<Record<SniffedFormat, Extractor>> = {
  docx: extractDocx,
  xlsx: extractXlsx,
  hl7: extractHl7,
  csv: extractCsv,
  tsv: extractTsv,
  json: extractJson,
  xml: extractXml,
  html: (bytes, limits) => extractPlainText(bytes, limits, 'html'),
  markdown: extractMarkdown,
};

/**
 * An extractor that throws has a bug or met a file its library cannot take; either way the file is
 * reported as corrupt with a message that names the format only (an exception message may quote content).
 */
async function guarded(format: string, run: () => Promise<ExtractResult>): Promise<ExtractResult> {
  try {
    return await run();
  } catch {
    return failure(format, 'corrupt', `${format} extraction failed`);
  }
}

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 5 && String.fromCharCode(...bytes.subarray(0, 5)) === '%PDF-';
}

/** Where a file sits among containers: how deep in nested archives, and the unpacked bytes they share. */
export interface ExtractContext {
  depth: number;
  budget: ArchiveBudget;
  /** Where table extractors hand their segments as they read them (see SegmentSink); absent, they return them. */
  sink?: SegmentSink;
  /**
   * The caller's detectors read a whole ASCII or UTF-8 file from its bytes (TextSegment.ascii, TextSegment.utf8),
   * so its text may be made only when read. Without it every segment's text is a plain property, as a caller that copies, clones or
   * serialises segments expects.
   */
  lazyAscii?: boolean;
}

async function openArchive(kind: ArchiveKind, bytes: Uint8Array, path: string, limits: ExtractLimits, context: ExtractContext): Promise<ExtractResult> {
  const maxDepth = limits.maxArchiveDepth ?? DEFAULT_ARCHIVE_DEPTH;
  if (context.depth >= maxDepth) return failure(kind, 'too-large', `archive nested deeper than the limit of ${maxDepth} levels`);
  const archive: typeof Archive = await archiveModule();
  return archive.extractArchive(kind, bytes, path, limits, context.budget);
}

/** Sniffs the bytes, picks the extractor and maps container formats we cannot read to typed failures. */
export async function extractText(
  bytes: Uint8Array,
  path: string,
  limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS,
  context: ExtractContext = { depth: 0, budget: newArchiveBudget() },
): Promise<ExtractResult> {
  let format: SniffedFormat;
  let singleByte: boolean | undefined;
  try {
    ({ format, singleByte } = sniffDetail(bytes, path));
  } catch {
    return failure('unknown', 'corrupt', 'file type could not be determined');
  }
  switch (format) {
    case 'empty':
      return { ok: true, format: 'empty', segments: [] };
    case 'ole-encrypted':
      return failure('ole', 'encrypted', 'encrypted Office document (password-protected OOXML)');
    case 'ole':
      return failure('ole', 'unsupported', 'OLE compound file of an application not read (not Word, Excel or Outlook)');
    case 'zip-other':
      return openArchive('zip', bytes, path, limits, context);
    case 'tar':
    case 'gzip':
      return openArchive(format, bytes, path, limits, context);
    case 'binary':
      return failure('binary', 'unsupported', 'binary file');
    case 'text':
      return guarded('text', () => extractPlainText(bytes, limits, extensionOf(path), singleByte, context.lazyAscii));
    case 'pdf': {
      const pdf = await guarded('pdf', () => extractPdf(bytes, limits, context.sink));
      // '%PDF-' past offset 0 is allowed for PDFs with junk in front, but a log or mail that merely
      // mentions it must not be lost as a corrupt PDF: when pdf.js cannot parse it, read it as text.
      if (!pdf.ok && pdf.reason === 'corrupt' && !startsWithPdfMagic(bytes)) {
        const text = await guarded('text', () => extractPlainText(bytes, limits, extensionOf(path)));
        if (text.ok) return text;
      }
      return pdf;
    }
    default: {
      const extractor = EXTRACTORS[format];
      if (extractor) return guarded(format, () => extractor(bytes, limits, context.sink));
      return guarded(format, async () => {
        const content = await loadContentExtractor(format);
        if (!content) return failure(format, 'unsupported', `no extractor for ${format}`);
        return content(bytes, limits, context.sink);
      });
    }
  }
}
