import { extractCda } from './cda.js';
import { extractFhirJson, extractFhirXml } from './fhir.js';
import { extractDicom } from './dicom.js';
import { extractEml, extractMbox } from './mail.js';
import { extractDoc, extractMsg, extractPpt, extractXls } from './ole.js';
import { extractOdf } from './odf.js';
import { extractPptx } from './pptx.js';
import { extractRtf } from './rtf.js';
import { extractX12 } from './x12.js';
import type { ContentFormat } from './sniff-content.js';
import { extractPlainText } from './text.js';
import type { Extractor } from './types.js';

/**
 * Extractors for the formats sniff-content recognises (archives are opened by the router, which knows the
 * nesting depth). Kept apart from the office and text extractors so each family can grow on its own.
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

export const CONTENT_EXTRACTORS: Partial<Record<ContentFormat, Extractor>> = {
  'fhir-json': orAsText(extractFhirJson, 'txt'),
  'fhir-xml': orAsText(extractFhirXml, 'xml'),
  cda: orAsText(extractCda, 'xml'),
  pptx: extractPptx,
  odf: extractOdf,
  rtf: orAsText(extractRtf, 'txt'),
  eml: orAsText(extractEml, 'txt'),
  mbox: orAsText(extractMbox, 'txt'),
  doc: extractDoc,
  xls: extractXls,
  msg: extractMsg,
  ppt: extractPpt,
  x12: orAsText(extractX12, 'txt'),
  dicom: extractDicom,
};
