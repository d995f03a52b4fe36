import { maskValue } from '../mask.js';
import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import { fieldHeader, fieldWords, isFreeText } from './structured.js';
import { wholeTextResult } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ExtractResult, type PathLocation } from './types.js';

/**
 * Paths stop growing past this depth: a pathologically nested file would otherwise give every leaf a path
 * as long as the file.
 */
const MAX_PATH_DEPTH = 64;

interface Frame {
  value: unknown;
  path: string;
  depth: number;
  /** Words of the key holding the value; array items take their array's key. */
  field?: string;
  /** Words of the key holding the enclosing object, for generic keys ('patient' for 'id'). */
  holder?: string;
  record?: string;
  /** The value is an item of an array: an object here may be one record of many. */
  item: boolean;
}

function childPath(parent: string, depth: number, step: string): string {
  if (depth < MAX_PATH_DEPTH) return parent + step;
  return depth === MAX_PATH_DEPTH ? `${parent}[…]` : parent;
}

/** JSONPath step; JSON.stringify quotes odd keys and escapes control characters that would reach a terminal. */
/**
 * Paths go into reports as locations, unmasked: an object keyed by MRN or SSN would print the identifier.
 * Keys that carry four or more digits are masked like a value before they become part of a path.
 */
function keyStep(key: string): string {
  const shown = /\d(?:\D*\d){3}/.test(key) ? maskValue('mrn', key) : key;
  return /^[A-Za-z_$][\w$]*$/.test(shown) ? `.${shown}` : `[${JSON.stringify(shown)}]`;
}

/** An object holding values of its own, not only further containers ({"results": […]} is a wrapper). */
function holdsValues(object: Record<string, unknown>): boolean {
  for (const key in object) {
    const type = typeof object[key];
    if (type === 'string' || type === 'number') return true;
  }
  return false;
}

interface WalkStart {
  /** File line of the document, for JSON Lines. */
  line?: number;
  /** Makes record keys unique across the documents of a JSON Lines file. */
  recordPrefix: string;
  /** A JSON Lines document is one item of the file, as an array element is one item of the array. */
  rootIsItem: boolean;
}

/**
 * One segment per string or number leaf, in document order, with an explicit stack: nesting depth costs
 * memory, never call stack. The record of a leaf is the outermost array item (or JSON Lines document) that
 * holds values of its own, so a patient's nested visits stay in the patient's record while wrappers such as
 * {"page": […]} do not swallow every patient into one.
 */
function walkJson(root: unknown, collector: SegmentCollector, start: WalkStart): boolean {
  const stack: Frame[] = [{ value: root, path: '$', depth: 0, item: start.rootIsItem }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      const header = isFreeText(text) ? undefined : fieldHeader(frame.field, frame.holder);
      const location: PathLocation = start.line === undefined ? { path: frame.path } : { path: frame.path, line: start.line };
      const added = collector.add({
        text,
        location,
        ...(header ? { columnHeader: header } : {}),
        ...(frame.record !== undefined ? { recordKey: frame.record } : {}),
      });
      if (!added) return false;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const depth = frame.depth + 1;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const path = childPath(frame.path, frame.depth, `[${i}]`);
        stack.push({ value: value[i], path, depth, field: frame.field, holder: frame.holder, record: frame.record, item: true });
      }
      continue;
    }
    const object = value as Record<string, unknown>;
    const record = frame.record ?? (frame.item && holdsValues(object) ? `${start.recordPrefix}${frame.path}` : undefined);
    const keys = Object.keys(object);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const path = childPath(frame.path, frame.depth, keyStep(key));
      stack.push({ value: object[key], path, depth, field: fieldWords(key), holder: frame.field, record, item: false });
    }
  }
  return true;
}

function startsLikeJson(line: string): boolean {
  const c = line[0];
  return c === '{' || c === '[';
}

/**
 * JSON Lines: one document per line. Lines that are not JSON (a log mixing JSON and plain lines) are kept as
 * text, runs of them as one segment. Null when the text is not JSON Lines after all: the first line must be a
 * JSON object or array and at least half the lines JSON.
 */
function extractJsonLines(text: string, maxParseChars: number, maxTextChars: number): SegmentCollector | null {
  const collector = new SegmentCollector(maxTextChars);
  let jsonLines = 0;
  let otherLines = 0;
  let run: string[] = [];
  let runLine = 0;
  const flushRun = (): boolean => {
    const added = run.length === 0 || collector.add({ text: run.join('\n'), location: { line: runLine } });
    run = [];
    return added;
  };
  let lineNumber = 0;
  for (let from = 0; from <= text.length; ) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    lineNumber++;
    const raw = text.slice(from, to);
    from = to + 1;
    const line = raw.trim();
    if (line === '') {
      if (run.length > 0) run.push(raw);
      if (to === text.length) break;
      continue;
    }
    let document: unknown;
    let parsed = false;
    if (startsLikeJson(line) && line.length <= maxParseChars) {
      try {
        document = JSON.parse(line);
        parsed = true;
      } catch {
        // not JSON: kept as text below
      }
    }
    if (jsonLines === 0 && otherLines === 0 && !parsed) return null;
    if (parsed) {
      jsonLines++;
      if (!flushRun()) break;
      if (!walkJson(document, collector, { line: lineNumber, recordPrefix: `line:${lineNumber}:`, rootIsItem: true })) break;
    } else {
      otherLines++;
      if (run.length === 0) runLine = lineNumber;
      run.push(raw.replace(/\r$/, ''));
    }
  }
  flushRun();
  return jsonLines >= otherLines ? collector : null;
}

function collected(collector: SegmentCollector, encoding: string): ExtractResult {
  const degraded = collector.degradedNote();
  return { ok: true, format: 'json', segments: collector.segments, encoding, ...(degraded ? { degraded } : {}) };
}

/**
 * JSON and JSON Lines: each string or number value is its own segment, with its key as the column header and
 * the array item it belongs to as its record, so `"dob": "1983-02-16"` reads as a date of birth. Keys are
 * names, not values, and are not scanned. Text that does not parse (or is too large to parse into a tree) is
 * scanned as plain text, so nothing is lost.
 */
export async function extractJson(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('json', 'unsupported', 'binary file');
  const text = decoded.text;
  const maxParseChars = limits.maxStructuredChars ?? DEFAULT_EXTRACT_LIMITS.maxStructuredChars!;
  const tooLarge = text.length > maxParseChars;
  if (!tooLarge) {
    let document: unknown;
    let parsed = false;
    try {
      document = JSON.parse(text);
      parsed = true;
    } catch {
      // JSON Lines, or not JSON at all
    }
    if (parsed) {
      const collector = new SegmentCollector(limits.maxTextChars);
      walkJson(document, collector, { recordPrefix: '', rootIsItem: false });
      return collected(collector, decoded.encoding);
    }
  }
  const lines = extractJsonLines(text, maxParseChars, limits.maxTextChars);
  if (lines) return collected(lines, decoded.encoding);
  return wholeTextResult('text', text, decoded.encoding, limits, tooLarge ? `JSON over ${maxParseChars} characters scanned as text` : undefined);
}
