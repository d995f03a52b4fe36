import { extractCda } from './cda.js';
import { extractFhirJson, extractFhirXml } from './fhir.js';
import { extractDicom } from './dicom.js';
import { extractEml, extractMbox } from './mail.js';
import { extractDoc, extractMsg, extractXls } from './ole.js';
import { extractOdf } from './odf.js';
import { extractPptx } from './pptx.js';
import { extractRtf } from './rtf.js';
import { extractX12 } from './x12.js';
import type { ContentFormat } from './sniff-content.js';
import type { Extractor } from './types.js';

/**
 * Extractors for the formats sniff-content recognises (archives are opened by the router, which knows the
 * nesting depth). Kept apart from the office and text extractors so each family can grow on its own.
 */
export const CONTENT_EXTRACTORS: Partial<Record<ContentFormat, Extractor>> = {
  'fhir-json': extractFhirJson,
  'fhir-xml': extractFhirXml,
  cda: extractCda,
  pptx: extractPptx,
  odf: extractOdf,
  rtf: extractRtf,
  eml: extractEml,
  mbox: extractMbox,
  doc: extractDoc,
  xls: extractXls,
  msg: extractMsg,
  x12: extractX12,
  dicom: extractDicom,
};
