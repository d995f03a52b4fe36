import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
// Types only: pdf.js loads slowly and reads only what pdftotext did not, so it is imported when first needed.
import type { PDFParse } from 'pdf-parse';
import { failure, SegmentCollector } from './limits.js';
import { findOnPath, startPdftotext, type PendingPdftotext, type TextReceiver } from './pdftotext.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';

interface PdfjsData {
  cMapUrl: string;
  standardFontDataUrl: string;
  wasmUrl: string;
}

let pdfjsData: PdfjsData | null | undefined;

/**
 * The CMap and standard-font folders of the pdfjs-dist that pdf-parse itself ships (not whichever copy is
 * hoisted): without them CJK text comes out empty. In Node pdf.js reads these as file paths, which must
 * end in a slash.
 */
function locatePdfjsData(): PdfjsData | null {
  if (pdfjsData !== undefined) return pdfjsData;
  try {
    const fromHere = createRequire(import.meta.url);
    const pdfParseEntry = fromHere.resolve('pdf-parse');
    const fromPdfParse = createRequire(pdfParseEntry);
    const root = dirname(fromPdfParse.resolve('pdfjs-dist/package.json'));
    pdfjsData = {
      cMapUrl: join(root, 'cmaps') + '/',
      standardFontDataUrl: join(root, 'standard_fonts') + '/',
      wasmUrl: join(root, 'wasm') + '/',
    };
  } catch {
    pdfjsData = null;
  }
  return pdfjsData;
}

/**
 * pdf.js reports what it repaired only through console.warn ("Warning: ..."), which pdf-parse silences by
 * default. While a PDF is parsed the warnings are counted instead of printed (they may quote file content,
 * and the worker's stdout is not a log). Counting is per process: with two PDFs in flight at once a warning
 * may be charged to the wrong one, which only affects the `degraded` note.
 */
let activeParses = 0;
let warningCount = 0;
let originalWarn: typeof console.warn | undefined;

function beginWarningCapture(): () => number {
  if (activeParses === 0) {
    originalWarn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('Warning:')) warningCount++;
      else originalWarn?.(...args);
    };
  }
  activeParses++;
  const before = warningCount;
  return () => {
    const seen = warningCount - before;
    activeParses--;
    if (activeParses === 0 && originalWarn) {
      console.warn = originalWarn;
      originalWarn = undefined;
    }
    return seen;
  };
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}

let pdftotextPath: string | null | undefined;

/**
 * poppler's pdftotext, when installed, is several times faster than pdf.js at a fraction of the memory.
 * PHI_SCAN_PDFTOTEXT=0 keeps the embedded pdf-parse only (e.g. to compare the two).
 */
function locatePdftotext(): string | null {
  if (pdftotextPath !== undefined) return pdftotextPath;
  pdftotextPath = process.env['PHI_SCAN_PDFTOTEXT'] === '0' ? null : findOnPath('pdftotext');
  return pdftotextPath;
}

/**
 * Cuts pdftotext's output into pages (each ends with a form feed) as it arrives and hands each to the
 * collector, so with a sink the first pages are scanned while pdftotext still reads the rest.
 */
class PageSplitter implements TextReceiver {
  private collector: SegmentCollector;
  private decoder = new StringDecoder('utf8');
  private pending = '';
  private page = 0;
  /** Some page had more than whitespace: a PDF with none goes to pdf.js, which tells no-text from damage. */
  anyText = false;
  /**
   * What the sink threw. Pages arrive in a pipe's data events, where a throw would end the worker: it is
   * kept and thrown again from the extractor once pdftotext is done, as a throw from the sink of a table.
   */
  private failed: { error: unknown } | undefined;

  constructor(
    private readonly limits: ExtractLimits,
    private readonly sink: SegmentSink | undefined,
  ) {
    this.collector = new SegmentCollector(limits.maxTextChars, sink);
  }

  restart(): void {
    this.sink?.reset();
    this.collector = new SegmentCollector(this.limits.maxTextChars, this.sink);
    this.decoder = new StringDecoder('utf8');
    this.pending = '';
    this.page = 0;
    this.anyText = false;
    this.failed = undefined;
  }

  text(chunk: Buffer): void {
    if (this.failed) return;
    try {
      this.take(this.decoder.write(chunk));
    } catch (error) {
      this.failed = { error };
    }
  }

  throwIfFailed(): void {
    if (this.failed) throw this.failed.error;
  }

  /** The rest after the last form feed is a page when it has anything in it. */
  end(): ExtractResult {
    this.take(this.decoder.end());
    if (this.pending !== '') this.add(this.pending);
    this.pending = '';
    const degraded = this.collector.degradedNote();
    return { ok: true, format: 'pdf', segments: this.collector.segments, ...(degraded ? { degraded } : {}) };
  }

  private take(text: string): void {
    let from = 0;
    for (let feed = text.indexOf('\f'); feed >= 0; feed = text.indexOf('\f', from)) {
      this.add(this.pending + text.slice(from, feed));
      this.pending = '';
      from = feed + 1;
    }
    this.pending += text.slice(from);
  }

  private add(page: string): void {
    this.page++;
    if (!this.anyText && page.trim().length > 0) this.anyText = true;
    // Past the text limit pages are still counted (and looked at for text), just not kept.
    if (!this.collector.full) this.collector.add({ text: page, location: { page: this.page } });
  }
}

/** UTF-8 takes at most 4 bytes a character: past that the text limit is surely reached. */
function maxPdftotextBytes(limits: ExtractLimits): number {
  return limits.maxTextChars * 4;
}

/** pdftotext runs asked for ahead of their file's turn (prefetchPdf), by the bytes the worker read. */
const prefetched = new WeakMap<Uint8Array, PendingPdftotext>();

/**
 * Starts pdftotext on a PDF the worker will scan next, while it still scans the one before (see
 * PendingPdftotext): extractPdf on these same bytes takes the run. `releasePdf` must follow the file's scan,
 * so a run the extractor did not take (the file was read another way) is dropped. Nothing without pdftotext.
 */
export function prefetchPdf(bytes: Uint8Array, limits: ExtractLimits): void {
  const executable = locatePdftotext();
  if (!executable || prefetched.has(bytes)) return;
  prefetched.set(bytes, startPdftotext(executable, bytes, maxPdftotextBytes(limits)));
}

export function releasePdf(bytes: Uint8Array): void {
  takePrefetched(bytes)?.drop();
}

function takePrefetched(bytes: Uint8Array): PendingPdftotext | undefined {
  const pending = prefetched.get(bytes);
  prefetched.delete(bytes);
  return pending;
}

/**
 * The same result shape as pdf.js gives: a segment per page that has text. Null when pdftotext did not cleanly
 * succeed (a non-zero exit, any complaint on stderr, output past the text limit) or found no text: every
 * such file goes to pdf.js, which then decides between corrupt, encrypted and no-text exactly as without
 * poppler.
 */
async function extractWithPdftotext(executable: string, bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult | null> {
  const pages = new PageSplitter(limits, sink);
  try {
    const ok = await takePrefetched(bytes)?.deliver(pages) ?? (await startPdftotext(executable, bytes, maxPdftotextBytes(limits)).deliver(pages));
    pages.throwIfFailed();
    const result = ok ? pages.end() : null;
    if (result && pages.anyText) return result;
  } catch (err) {
    // Whatever reads the file next (pdf.js, or the text reader) starts from a clean sink.
    sink?.reset();
    throw err;
  }
  sink?.reset();
  return null;
}

/**
 * pdf.js opens a PDF encrypted with an empty user password without a word. The /Encrypt key sits in the
 * trailer (at the end, or in the first KB of a linearized file); content streams are compressed, so the name
 * does not turn up there by chance.
 */
function noteEncryption(result: ExtractResult, bytes: Uint8Array): ExtractResult {
  if (!result.ok) return result;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tail = buffer.subarray(Math.max(0, buffer.length - 64 * 1024));
  if (!buffer.subarray(0, 4096).includes('/Encrypt', 0, 'latin1') && !tail.includes('/Encrypt', 0, 'latin1')) return result;
  const note = 'encrypted with an empty user password (opened without one; its owner may believe it protected)';
  return { ...result, degraded: result.degraded ? `${result.degraded}; ${note}` : note };
}

/**
 * One segment per page. Image-only PDFs come back as 'no-text': not clean, just unreadable without OCR.
 * pdftotext reads the PDF when it is installed and the file is sound; pdf.js (pdf-parse) is the embedded
 * default and takes every file pdftotext did not read cleanly.
 */
export async function extractPdf(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  const executable = locatePdftotext();
  if (executable) {
    const viaPoppler = await extractWithPdftotext(executable, bytes, limits, sink);
    if (viaPoppler) return noteEncryption(viaPoppler, bytes);
  }
  return noteEncryption(await extractWithPdfjs(bytes, limits), bytes);
}

async function extractWithPdfjs(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const pdfjs = await import('pdf-parse');
  const data = locatePdfjsData();
  const endCapture = beginWarningCapture();
  // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
  let parser: PDFParse | undefined;
  const options = {
    data: new Uint8Array(bytes),
    verbosity: pdfjs.VerbosityLevel.WARNINGS,
    isEvalSupported: false,
    useSystemFonts: false,
    ...(data ? { cMapUrl: data.cMapUrl, cMapPacked: true, standardFontDataUrl: data.standardFontDataUrl, wasmUrl: data.wasmUrl } : {}),
  };
  let captureOpen = true;
  const finishCapture = (): number => {
    if (!captureOpen) return 0;
    captureOpen = false;
    return endCapture();
  };
  try {
    parser = new pdfjs.PDFParse(options);
    const result = await parser.getText();
    const warnings = finishCapture();
    const collector = new SegmentCollector(limits.maxTextChars);
    let chars = 0;
    for (const page of result.pages) {
      chars += page.text.trim().length;
      if (!collector.add({ text: page.text, location: { page: page.num } })) break;
    }
    if (chars === 0) {
      return failure('pdf', 'no-text', `no text layer on ${result.total} page(s) (scanned or image-only PDF)`);
    }
    const notes = [
      warnings > 0 ? `pdf.js recovered from ${warnings} problem(s) in the file` : undefined,
      data ? undefined : 'CMap data not found: CJK text may be missing',
      collector.degradedNote(),
    ].filter(Boolean);
    return { ok: true, format: 'pdf', segments: collector.segments, ...(notes.length ? { degraded: notes.join('; ') } : {}) };
  } catch (err) {
    if (err instanceof pdfjs.PasswordException || errorName(err) === 'PasswordException') {
      return failure('pdf', 'encrypted', 'PDF needs a password');
    }
    return failure('pdf', 'corrupt', 'PDF could not be parsed');
  } finally {
    finishCapture();
    await parser?.destroy().catch(() => undefined);
  }
}
