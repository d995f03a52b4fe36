import { Parser } from 'htmlparser2';
import { decodeText } from './encoding.js';
import { capText } from './limits.js';
import type { ExtractLimits, ExtractResult } from './types.js';

export type MarkupKind = 'html' | 'xml' | null;

const HTML_EXTENSIONS = new Set(['html', 'htm', 'xhtml']);
const XML_EXTENSIONS = new Set(['xml', 'xsd', 'xsl', 'xslt', 'svg', 'rss', 'plist', 'ccd', 'cda']);

/** Attributes whose values are text a person reads or types (form values are a classic PHI leak in saved pages). */
const HTML_TEXT_ATTRIBUTES = ['value', 'alt', 'title', 'placeholder', 'content', 'aria-label', 'label'];

/** By extension first, then by how the text opens: an export named .txt is often HTML. */
export function markupKind(text: string, extension: string): MarkupKind {
  if (HTML_EXTENSIONS.has(extension)) return 'html';
  if (XML_EXTENSIONS.has(extension)) return 'xml';
  if (extension === 'json' || extension === 'csv' || extension === 'md') return null;
  const head = text.slice(0, 512).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html')) return 'html';
  if (head.startsWith('<?xml')) return 'xml';
  return null;
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Text content of HTML or XML with entities decoded. htmlparser2 is used for both because it is forgiving:
 * saved web pages are rarely valid, and a strict XML parser stops at the first error and would hide the
 * rest of a malformed file. It never expands DTD entities. Tags vanish ("DOB: <b>03/14/1962</b>" reads
 * "DOB: 03/14/1962") but their newlines stay, so line numbers in the text still match the file; attribute
 * values that hold text (HTML form values, alt text; every XML attribute) are kept, set off by spaces.
 */
export function markupToText(source: string, kind: 'html' | 'xml'): string {
  const out: string[] = [];
  const keepTagNewlines = (parser: Parser): void => {
    const n = countNewlines(source.slice(parser.startIndex, parser.endIndex + 1));
    if (n > 0) out.push('\n'.repeat(n));
  };
  const parser: Parser = new Parser(
    {
      onopentag(name, attribs) {
        const values: string[] = [];
        for (const [key, value] of Object.entries(attribs)) {
          if (!value.trim()) continue;
          if (kind === 'xml') {
            if (key === 'xmlns' || key.startsWith('xmlns:') || key.startsWith('xsi:')) continue;
            values.push(`${key}: ${value.replace(/\s*\n\s*/g, ' ')}`);
          } else if (HTML_TEXT_ATTRIBUTES.includes(key.toLowerCase())) {
            values.push(value.replace(/\s*\n\s*/g, ' '));
          }
        }
        if (values.length > 0) out.push(` ${values.join(' ')} `);
        // <br> and block ends separate words that the layout separates.
        if (kind === 'html' && name === 'br') out.push(' ');
        keepTagNewlines(parser);
      },
      onclosetag(name, isImplied) {
        if (!isImplied) keepTagNewlines(parser);
        if (kind === 'html' && /^(p|div|td|th|li|tr|h[1-6])$/.test(name)) out.push(' ');
      },
      ontext(data) {
        out.push(data);
      },
      oncomment(data) {
        // Comments are still in the file for anyone who opens it.
        out.push(data);
      },
      onprocessinginstruction() {
        keepTagNewlines(parser);
      },
    },
    { xmlMode: kind === 'xml', decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(source);
  parser.end();
  return out.join('');
}

/** Plain text family: txt, log, md, json, xml, html and unknown text. One segment for the whole file. */
export async function extractPlainText(bytes: Uint8Array, limits: ExtractLimits, extension = ''): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return { ok: false, format: 'text', reason: 'unsupported', message: 'binary file' };
  const kind = markupKind(decoded.text, extension);
  const raw = kind ? markupToText(decoded.text, kind) : decoded.text;
  const format = kind ?? 'text';
  const { text, truncated } = capText(raw, limits.maxTextChars);
  return {
    ok: true,
    format,
    segments: text.trim() ? [{ text, location: { line: 1 } }] : [],
    encoding: decoded.encoding,
    ...(truncated ? { degraded: `text truncated at ${limits.maxTextChars} characters` } : {}),
  };
}
