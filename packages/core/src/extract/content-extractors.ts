import { loadOnce } from './load-once.js';
import type { ContentFormat } from './sniff-content.js';
import { extractPlainText } from './text.js';
import type { Extractor } from './types.js';

/**
 * Extractors for the formats sniff-content recognises (archives are opened by the router, which knows the
 * nesting depth). Kept apart from the office and text extractors so each family can grow on its own.
 * Each module is loaded when its format is first met: together they (cfb, postal-mime, the FHIR and CDA
 * readers) took most of a worker's start-up, and a scan rarely meets more than a few of them.
 */
/**
 * A text format whose structure does not parse is still text: a truncated FHIR export or a hand-edited CCD
 * keeps its names and numbers, so it is read as plain text (markup stripped) rather than lost as corrupt.
 */
function orAsText(extractor: Extractor, markup: 'xml' | 'txt'): Extractor {
  return async (bytes, limits) => {
    const structured = await extractor(bytes, limits);
    if (structured.ok || structured.reason !== 'corrupt') return structured;
    const text = await extractPlainText(bytes, limits, markup);
    if (!text.ok) return structured;
    return { ...text, format: structured.format, degraded: [`${structured.message}; read as text`, text.degraded].filter(Boolean).join('; ') };
  };
}

const LOADERS: Partial<Record<ContentFormat, () => Promise<Extractor>>> = {
  'fhir-json': loadOnce(async () => orAsText((await import('./fhir.js')).extractFhirJson, 'txt')),
  'fhir-xml': loadOnce(async () => orAsText((await import('./fhir.js')).extractFhirXml, 'xml')),
  cda: loadOnce(async () => orAsText((await import('./cda.js')).extractCda, 'xml')),
  pptx: loadOnce(async () => (await import('./pptx.js')).extractPptx),
  odf: loadOnce(async () => (await import('./odf.js')).extractOdf),
  rtf: loadOnce(async () => orAsText((await import('./rtf.js')).extractRtf, 'txt')),
  eml: loadOnce(async () => orAsText((await import('./mail.js')).extractEml, 'txt')),
  mbox: loadOnce(async () => orAsText((await import('./mail.js')).extractMbox, 'txt')),
  doc: loadOnce(async () => (await import('./ole.js')).extractDoc),
  xls: loadOnce(async () => (await import('./ole.js')).extractXls),
  msg: loadOnce(async () => (await import('./ole.js')).extractMsg),
  ppt: loadOnce(async () => (await import('./ole.js')).extractPpt),
  x12: loadOnce(async () => orAsText((await import('./x12.js')).extractX12, 'txt')),
  dicom: loadOnce(async () => (await import('./dicom.js')).extractDicom),
};

/** The extractor of a content format, its module loaded on first use; undefined for formats without one. */
export function loadContentExtractor(format: string): Promise<Extractor> | undefined {
  return LOADERS[format as ContentFormat]?.();
}
