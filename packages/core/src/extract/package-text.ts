import { SaxesParser } from 'saxes';
import { decodeText } from './encoding.js';
import { failure } from './limits.js';
import { inflateEntry, ZipError, type ZipEntry } from './zip.js';
import type { ExtractLimits, ExtractResult } from './types.js';

/**
 * What the zip-packaged documents besides DOCX and XLSX (PowerPoint, OpenDocument) share: a bounded read of
 * their XML parts and paragraphs out of them. Element names are matched without their prefix, since the
 * prefixes are the writer's choice and only the local names are fixed by each format.
 */

/** Nesting no real slide or ODF body reaches; deeper is an attack on the parser and the part is cut there. */
const MAX_DEPTH = 256;

export interface Paragraph {
  paragraph: number;
  text: string;
}

export interface ParagraphRules {
  /** Local names of the elements that are paragraphs (nested ones are paragraphs of their own). */
  paragraphs: ReadonlySet<string>;
  /** Local names of the elements whose text is read; undefined reads all text inside a paragraph. */
  text?: ReadonlySet<string>;
  /** Local names that stand for a character: line breaks, tabs, ODF's run of spaces. */
  characters?: Readonly<Record<string, string>>;
}

export class PartDamaged extends Error {}

export function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/** Paragraphs of one XML part, in document order; a DTD is refused, damage keeps what came before it. */
export function paragraphsOf(xml: string, rules: ParagraphRules): { paragraphs: Paragraph[]; damaged: boolean } {
  const parser = new SaxesParser({ xmlns: false });
  const out: Paragraph[] = [];
  const open: Paragraph[] = [];
  let count = 0;
  let depth = 0;
  let textDepth = 0;
  parser.on('doctype', () => {
    throw new PartDamaged('DTD');
  });
  parser.on('opentag', (tag) => {
    if (++depth > MAX_DEPTH) throw new PartDamaged('too deep');
    const name = localName(tag.name);
    if (rules.paragraphs.has(name)) {
      open.push({ paragraph: ++count, text: '' });
      return;
    }
    if (rules.text?.has(name)) textDepth++;
    const char = rules.characters?.[name];
    const top = open[open.length - 1];
    if (char !== undefined && top) top.text += name === 's' ? ' '.repeat(Math.min(64, Number(tag.attributes['text:c'] ?? 1) || 1)) : char;
  });
  parser.on('closetag', (tag) => {
    depth--;
    const name = localName(tag.name);
    if (rules.paragraphs.has(name)) {
      const done = open.pop();
      if (done) out.push(done);
    } else if (rules.text?.has(name)) textDepth--;
  });
  parser.on('text', (t) => {
    const top = open[open.length - 1];
    if (top && (!rules.text || textDepth > 0)) top.text += t;
  });
  let damaged = false;
  try {
    parser.write(xml).close();
  } catch {
    damaged = true;
    out.push(...open);
  }
  return { paragraphs: out.sort((a, b) => a.paragraph - b.paragraph), damaged };
}

/** One part's XML text, inflated under the per-part limit. */
export function readPart(bytes: Uint8Array, entry: ZipEntry, limits: ExtractLimits): string {
  const raw = inflateEntry(bytes, entry, limits.maxInflatedBytes);
  return decodeText(raw)?.text ?? new TextDecoder('utf-8').decode(raw);
}

export function packageFailure(format: string, err: unknown): ExtractResult {
  if (err instanceof ZipError) return failure(format, err.reason, err.message);
  return failure(format, 'corrupt', `${format} package could not be read`);
}

/** Part names sorted as a person numbers them: slide2 before slide10. */
export function byNumber(a: string, b: string): number {
  const num = (s: string) => Number(/(\d+)\.xml$/i.exec(s)?.[1] ?? 0);
  return num(a) - num(b) || a.localeCompare(b);
}
