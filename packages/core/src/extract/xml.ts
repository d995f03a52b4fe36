import { Parser } from 'htmlparser2';
import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import { fieldHeader, fieldWords, isFreeText, LineCounter } from './structured.js';
import { markupToText, wholeTextResult } from './text.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractLimits, type ExtractResult } from './types.js';
import { markupNestsDeeperThan } from './markup-depth.js';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** Paths stop growing past this depth, as for JSON. */
const MAX_PATH_DEPTH = 64;

/** A comment or text outside any element: kept as text where it stands. */
interface LooseText {
  loose: string;
  start: number;
}

interface XmlNode {
  name: string;
  parent: XmlNode | undefined;
  attributes: [string, string][];
  content: (XmlNode | LooseText)[];
  hasElements: boolean;
  /** Direct text; only meaningful for elements without element children, or to tell mixed content. */
  text: string[];
  /** Offset of the first non-blank direct text, -1 while there is none. */
  textStart: number;
  start: number;
  end: number;
  /** 1-based position among same-named siblings, and how many there are (shared by the siblings). */
  index: number;
  siblings: { count: number };
  groups: Map<string, { count: number }>;
  /** XHTML (a FHIR narrative, an XHTML page) reads as a page, not as data. */
  xhtml: boolean;
}

function isNode(item: XmlNode | LooseText): item is XmlNode {
  return 'name' in item;
}

function localName(name: string): string {
  return name.slice(name.lastIndexOf(':') + 1);
}

/**
 * A DTD internal subset (`<!DOCTYPE x [ <!ENTITY …> ]>`) is blanked out before parsing, newlines kept: its
 * declarations are not elements, and the parser would otherwise emit the tail of the subset as text. Entities
 * are never expanded (htmlparser2 has no DTD support), so entity bombs cost nothing; the subset's own text is
 * still returned to be scanned as plain text.
 */
function blankInternalSubset(source: string): { source: string; subset?: { text: string; start: number } } {
  const head = /<!DOCTYPE[^[>]*\[/i.exec(source.slice(0, 64 * 1024));
  if (!head) return { source };
  const open = head.index + head[0].length;
  const close = source.indexOf(']>', open);
  const end = close < 0 ? source.length : close + 2;
  const blanked = source.slice(head.index, end).replace(/[^\n]/g, ' ');
  return {
    source: source.slice(0, head.index) + blanked + source.slice(end),
    subset: { text: source.slice(open, close < 0 ? source.length : close), start: open },
  };
}

/** Streams the XML into a light tree: names, attributes, direct text and offsets, nothing else. */
function parseTree(source: string): (XmlNode | LooseText)[] {
  const top: (XmlNode | LooseText)[] = [];
  const topGroups = new Map<string, { count: number }>();
  const open: XmlNode[] = [];
  const parser: Parser = new Parser(
    {
      onopentag(name, attribs) {
        const parent = open[open.length - 1];
        const groups = parent ? parent.groups : topGroups;
        let siblings = groups.get(name);
        if (!siblings) {
          siblings = { count: 0 };
          groups.set(name, siblings);
        }
        const node: XmlNode = {
          name,
          parent,
          attributes: Object.entries(attribs),
          content: [],
          hasElements: false,
          text: [],
          textStart: -1,
          start: parser.startIndex,
          end: parser.endIndex,
          index: ++siblings.count,
          siblings,
          groups: new Map(),
          xhtml: (parent?.xhtml ?? false) || attribs.xmlns === XHTML_NS || localName(name).toLowerCase() === 'html',
        };
        if (parent) {
          parent.content.push(node);
          parent.hasElements = true;
        } else {
          top.push(node);
        }
        open.push(node);
      },
      ontext(data) {
        const node = open[open.length - 1];
        if (!node) {
          if (data.trim()) top.push({ loose: data, start: parser.startIndex });
          return;
        }
        if (node.textStart < 0) {
          const lead = data.length - data.trimStart().length;
          if (lead === data.length) return;
          node.textStart = parser.startIndex + lead;
        }
        node.text.push(data);
      },
      onclosetag() {
        const node = open.pop();
        if (node) node.end = parser.endIndex;
      },
      oncomment(data) {
        // Comments are still in the file for anyone who opens it.
        if (!data.trim()) return;
        const item = { loose: data, start: parser.startIndex };
        const node = open[open.length - 1];
        if (node) node.content.push(item);
        else top.push(item);
      },
    },
    { xmlMode: true, decodeEntities: true, recognizeCDATA: true },
  );
  parser.write(source);
  parser.end();
  return top;
}

/** Text with inline markup reads as prose; XHTML and the CDA narrative block read as a page. */
function narrativeKind(node: XmlNode): 'html' | 'xml' | null {
  if (node.xhtml) return 'html';
  if (!node.hasElements) return null;
  if (localName(node.name) === 'text') return 'html';
  return node.textStart >= 0 ? 'xml' : null;
}

/** A repeated element holding field values of its own: one record of a list (each <Patient> of an export). */
function isRecordElement(node: XmlNode): boolean {
  if (node.siblings.count < 2 || !node.hasElements) return false;
  return node.content.some((child) => isNode(child) && !child.hasElements && child.textStart >= 0);
}

function stepOf(node: XmlNode): string {
  return node.siblings.count > 1 ? `${node.name}[${node.index}]` : node.name;
}

function skippedAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}

interface Visit {
  item: XmlNode | LooseText;
  parentPath: string;
  depth: number;
  record?: string;
}

/**
 * Element text and attribute values as segments: the element (or attribute) name is the column header, the
 * repeated element holding fields is the record, and an XPath-like path with the line is the location.
 * Mixed content and narratives are flattened to text as the plain-text reader does.
 */
function walkTree(top: (XmlNode | LooseText)[], source: string, collector: SegmentCollector): void {
  const lines = new LineCounter(source);
  const stack: Visit[] = [];
  for (let i = top.length - 1; i >= 0; i--) stack.push({ item: top[i]!, parentPath: '', depth: 0 });
  while (stack.length > 0) {
    const { item, parentPath, depth, record } = stack.pop()!;
    const recordKey = record !== undefined ? { recordKey: record } : {};
    if (!isNode(item)) {
      const text = item.loose.trim();
      if (!collector.add({ text, location: { line: lines.lineAt(item.start + item.loose.indexOf(text)) }, ...recordKey })) return;
      continue;
    }
    const node = item;
    const path = depth < MAX_PATH_DEPTH ? `${parentPath}/${stepOf(node)}` : depth === MAX_PATH_DEPTH ? `${parentPath}/…` : parentPath;
    const line = lines.lineAt(node.start);
    const narrative = narrativeKind(node);
    if (narrative) {
      const text = markupToText(source.slice(node.start, node.end + 1), narrative);
      if (!collector.add({ text, location: { path, line }, ...recordKey })) return;
      continue;
    }
    const words = fieldWords(node.name);
    // A record element's own attributes (<Patient id="…">) belong to its record.
    const childRecord = record ?? (isRecordElement(node) ? path : undefined);
    const ownRecord = childRecord !== undefined ? { recordKey: childRecord } : {};
    for (const [name, value] of node.attributes) {
      if (skippedAttribute(name) || !value.trim()) continue;
      const header = isFreeText(value) ? undefined : fieldHeader(fieldWords(name), words);
      const segment = { text: value, location: { path: `${path}/@${name}`, line }, ...(header ? { columnHeader: header } : {}), ...ownRecord };
      if (!collector.add(segment)) return;
    }
    if (!node.hasElements) {
      const text = node.text.join('').trim();
      if (!text) continue;
      const header = isFreeText(text) ? undefined : fieldHeader(words, node.parent ? fieldWords(node.parent.name) : undefined);
      const segment = { text, location: { path, line: lines.lineAt(node.textStart) }, ...(header ? { columnHeader: header } : {}), ...recordKey };
      if (!collector.add(segment)) return;
      continue;
    }
    for (let i = node.content.length - 1; i >= 0; i--) {
      stack.push({ item: node.content[i]!, parentPath: path, depth: depth + 1, record: childRecord });
    }
  }
}

/**
 * XML data exports: each value is its own segment with its element or attribute name as the column header, so
 * `<DOB>1983-02-16</DOB>` reads as a date of birth and each `<Patient>` is a record. Files too large to hold
 * as a tree are read as flattened text instead.
 */
export async function extractXml(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('xml', 'unsupported', 'binary file');
  const maxParseChars = limits.maxStructuredChars ?? DEFAULT_EXTRACT_LIMITS.maxStructuredChars!;
  // Nesting too deep for a tree (and for htmlparser2's stack) is flattened the same way.
  if (decoded.text.length > maxParseChars || markupNestsDeeperThan(decoded.text, 'xml')) {
    return wholeTextResult('xml', markupToText(decoded.text, 'xml'), decoded.encoding, limits);
  }
  const { source, subset } = blankInternalSubset(decoded.text);
  const collector = new SegmentCollector(limits.maxTextChars);
  if (subset?.text.trim()) {
    collector.add({ text: subset.text, location: { line: new LineCounter(source).lineAt(subset.start) } });
  }
  walkTree(parseTree(source), source, collector);
  const degraded = collector.degradedNote();
  return { ok: true, format: 'xml', segments: collector.segments, encoding: decoded.encoding, ...(degraded ? { degraded } : {}) };
}
