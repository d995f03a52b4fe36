import { decodeText } from './encoding.js';
import { failure } from './limits.js';
import { renderRow } from './label-rows.js';
import { wholeTextResult } from './text.js';
import type { ExtractLimits, ExtractResult } from './types.js';

/** Longer lines (minified or generated text) are left as they are rather than rewritten. */
const MAX_REWRITTEN_LINE = 10_000;

const FENCE = /^\s{0,3}(```|~~~)/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/**
 * Drops emphasis and code markers: `**Patient:** Mary` reads `Patient: Mary`. Markers are removed only where
 * they open or close a word, so snake_case names and `a * b` stay as they are.
 */
function stripInline(line: string): string {
  return line
    .replace(/~~/g, '')
    .replace(/`+/g, '')
    .replace(/(^|[\s([{"'])[*_]+(?=[^\s*_])/g, '$1')
    .replace(/(?<=[^\s*_])[*_]+(?=$|[\s.,;:!?)\]}"'])/g, '');
}

function stripBlock(line: string): string {
  return line.replace(/^\s{0,3}#{1,6}(?=\s|$)\s*/, '').replace(/\s+#+\s*$/, '').replace(/^\s{0,3}(>\s?)+/, '');
}

function isTableRow(line: string): boolean {
  return line.includes('|');
}

function cellsOf(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return trimmed.split(/(?<!\\)\|/).map((cell) => stripInline(cell.trim().replace(/\\\|/g, '|')));
}

/**
 * Markdown as the text a reader sees, line for line: emphasis, heading and quote markers go, and table rows
 * read as "Label: value" pairs under their header row. No line is joined or split, so line numbers hold.
 */
export function markdownToText(source: string): string {
  const lines = source.split(/\r\n|\n|\r/);
  const out: string[] = [];
  let fenced = false;
  let headers: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (FENCE.test(line)) {
      fenced = !fenced;
      out.push(line);
      continue;
    }
    if (fenced || line.length > MAX_REWRITTEN_LINE) {
      out.push(line);
      continue;
    }
    const next = lines[i + 1];
    if (isTableRow(line) && next !== undefined && TABLE_SEPARATOR.test(next) && !TABLE_SEPARATOR.test(line)) {
      headers = cellsOf(line);
      out.push(renderRow(headers.map((text) => ({ text, header: true }))));
      continue;
    }
    if (headers && TABLE_SEPARATOR.test(line)) {
      out.push('');
      continue;
    }
    if (headers && isTableRow(line)) {
      out.push(renderRow(cellsOf(line).map((text) => ({ text, header: false })), headers));
      continue;
    }
    headers = undefined;
    out.push(stripInline(stripBlock(line)));
  }
  return out.join('\n');
}

/** Markdown files: one text segment, markers stripped, lines as in the file. */
export async function extractMarkdown(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('md', 'unsupported', 'binary file');
  return wholeTextResult('md', markdownToText(decoded.text), decoded.encoding, limits);
}
