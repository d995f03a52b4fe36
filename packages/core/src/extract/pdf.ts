import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PasswordException, PDFParse, VerbosityLevel } from 'pdf-parse';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult } from './types.js';

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

/** One segment per page. Image-only PDFs come back as 'no-text': not clean, just unreadable without OCR. */
export async function extractPdf(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const data = locatePdfjsData();
  const endCapture = beginWarningCapture();
  // pdf.js takes ownership of (and may detach) the buffer it is given: hand it a copy.
  let parser: PDFParse | undefined;
  const options = {
    data: new Uint8Array(bytes),
    verbosity: VerbosityLevel.WARNINGS,
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
    parser = new PDFParse(options);
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
    if (err instanceof PasswordException || errorName(err) === 'PasswordException') {
      return failure('pdf', 'encrypted', 'PDF needs a password');
    }
    return failure('pdf', 'corrupt', 'PDF could not be parsed');
  } finally {
    finishCapture();
    await parser?.destroy().catch(() => undefined);
  }
}
