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
  'fhir-json': async () => orAsText((await import('./fhir.js')).extractFhirJson, 'txt'),
  'fhir-xml': async () => orAsText((await import('./fhir.js')).extractFhirXml, 'xml'),
  cda: async () => orAsText((await import('./cda.js')).extractCda, 'xml'),
  pptx: async () => (await import('./pptx.js')).extractPptx,
  odf: async () => (await import('./odf.js')).extractOdf,
  rtf: async () => orAsText((await import('./rtf.js')).extractRtf, 'txt'),
  eml: async () => orAsText((await import('./mail.js')).extractEml, 'txt'),
  mbox: async () => orAsText((await import('./mail.js')).extractMbox, 'txt'),
  doc: async () => (await import('./ole.js')).extractDoc,
  xls: async () => (await import('./ole.js')).extractXls,
  msg: async () => (await import('./ole.js')).extractMsg,
  ppt: async () => (await import('./ole.js')).extractPpt,
  x12: async () => orAsText((await import('./x12.js')).extractX12, 'txt'),
  dicom: async () => (await import('./dicom.js')).extractDicom,
};

const loaded = new Map<string, Promise<Extractor>>();

/** The extractor of a content format, its module loaded on first use; undefined for formats without one. */
export function loadContentExtractor(format: string): Promise<Extractor> | undefined {
  const load = LOADERS[format as ContentFormat];
  if (!load) return undefined;
  let extractor = loaded.get(format);
  if (!extractor) loaded.set(format, (extractor = load()));
  return extractor;
}
