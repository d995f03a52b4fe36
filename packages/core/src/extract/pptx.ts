import { SegmentCollector } from './limits.js';
import { byNumber, packageFailure, paragraphsOf, readPart, type Paragraph } from './package-text.js';
import { normaliseEntryName, readZipEntries } from './zip.js';
import type { ExtractLimits, ExtractResult, SegmentSink } from './types.js';

/**
 * PowerPoint (PPTX): slides, then speaker notes, then comments, each paragraph with its part. Notes are where
 * a case conference deck keeps the patient's name and history, so they are read as much as the slides.
 */
const DRAWING = { paragraphs: new Set(['p']), text: new Set(['t']), characters: { br: '\n', tab: '\t' }, table: { row: 'tr', cell: 'tc' } };
const COMMENTS = { paragraphs: new Set(['text']) };

const PARTS: { pattern: RegExp; rank: number; rules: typeof DRAWING | typeof COMMENTS }[] = [
  { pattern: /^ppt\/slides\/slide\d+\.xml$/, rank: 0, rules: DRAWING },
  { pattern: /^ppt\/notesslides\/notesslide\d+\.xml$/, rank: 1, rules: DRAWING },
  { pattern: /^ppt\/comments\/.*\.xml$/, rank: 2, rules: COMMENTS },
  { pattern: /^docprops\/core\.xml$/, rank: 3, rules: { paragraphs: new Set(['title', 'subject', 'creator', 'keywords', 'description', 'lastModifiedBy']) } },
];

/** With a sink, paragraphs go to detection as each part is read (see paragraphsOf). */
export async function extractPptx(bytes: Uint8Array, limits: ExtractLimits, sink?: SegmentSink): Promise<ExtractResult> {
  try {
    const entries = readZipEntries(bytes);
    const parts = entries
      .map((entry) => ({ entry, name: entry.name.replace(/\\/g, '/'), spec: PARTS.find((p) => p.pattern.test(normaliseEntryName(entry.name))) }))
      .filter((p) => p.spec)
      .sort((a, b) => a.spec!.rank - b.spec!.rank || byNumber(a.name, b.name));
    const collector = new SegmentCollector(limits.maxTextChars, sink);
    let damaged = 0;
    for (const part of parts) {
      const keep = (p: Paragraph): void => void collector.add({ text: p.text, location: { part: part.name, paragraph: p.paragraph } });
      const { damaged: broken } = paragraphsOf(readPart(bytes, part.entry, limits), part.spec!.rules as never, keep);
      if (broken) damaged++;
      if (collector.full) break;
    }
    const notes = [collector.degradedNote(), damaged ? `${damaged} parts damaged; text after the damage not read` : undefined].filter(Boolean).join('; ');
    return { ok: true, format: 'pptx', segments: collector.segments, ...(notes ? { degraded: notes } : {}) };
  } catch (err) {
    // What the sink was given is taken back with the file.
    sink?.reset();
    return packageFailure('pptx', err);
  }
}
