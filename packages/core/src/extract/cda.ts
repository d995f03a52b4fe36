import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult, TextSegment } from './types.js';

/**
 * C-CDA / CCD documents (HL7 v3 ClinicalDocument). The patient's identifiers sit in attributes, not prose:
 * `recordTarget/patientRole/id/@extension` is an SSN when its root is the SSN OID, a diagnosis is a `code`
 * attribute whose `codeSystem` is ICD-10-CM. A plain XML walk sees those as anonymous attribute values;
 * here each gets the header that says what it is. The narrative (`section/text`) is read as prose.
 * A document is about one patient, so everything shares that patient's record key.
 */

const SSN_OID = '2.16.840.1.113883.4.1';
const ICD10_OID = '2.16.840.1.113883.6.90';
const ICD9_OIDS = new Set(['2.16.840.1.113883.6.103', '2.16.840.1.113883.6.104']);
const DEFAULT_MAX_STRUCTURED = 64 * 1024 * 1024;
const MAX_DEPTH = 256;

interface Frame {
  name: string;
  path: string;
  line: number;
  childCounts: Map<string, number>;
  /** Text collected for elements read as a whole (a name, an address, a narrative block). */
  text?: string[];
  header?: string;
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  for (const [k, v] of Object.entries(tag.attributes)) if (localName(k) === name) return String(v);
  return undefined;
}

/** Who a name, address or telecom inside the header belongs to, from the elements that hold it. */
function holderOf(path: string): string | undefined {
  if (/\/recordTarget(\[\d+\])?\/patientRole(\[\d+\])?\/patient(\[\d+\])?\/guardian/.test(path)) return 'Guardian';
  if (/\/recordTarget(\[\d+\])?\/patientRole/.test(path)) return 'Patient';
  if (/\/participant(\[\d+\])?\/associatedEntity/.test(path)) return 'Emergency Contact';
  return undefined;
}

export async function extractCda(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const decoded = decodeText(bytes);
  if (!decoded) return failure('cda', 'unsupported', 'binary file');
  const source = decoded.text.replace(/^\ufeff/, '');
  if (source.length > (limits.maxStructuredChars ?? DEFAULT_MAX_STRUCTURED)) {
    return failure('cda', 'too-large', 'C-CDA document larger than the structured-parse limit');
  }
  const collector = new SegmentCollector(limits.maxTextChars);
  const stack: Frame[] = [];
  let recordTargets = 0;
  let full = false;

  const recordKey = () => `cda:patient:${Math.max(1, recordTargets)}`;
  const emit = (text: string, path: string, line: number, header?: string) => {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (!clean || full) return;
    const segment: TextSegment = { text: clean, location: { path, line }, recordKey: recordKey() };
    if (header) segment.columnHeader = header;
    if (!collector.add(segment)) full = true;
  };
  // Narrative keeps its line breaks: a long section is many lines and findings report the line in it.
  const emitProse = (text: string, path: string, line: number) => {
    const clean = text.replace(/[ \t]+/g, ' ').replace(/\n\s*\n+/g, '\n').trim();
    if (!clean || full) return;
    if (!collector.add({ text: clean, location: { path, line }, recordKey: recordKey() })) full = true;
  };

  const parser = new SaxesParser({ xmlns: false, position: true });
  parser.on('doctype', () => {
    throw new Error('DTD refused');
  });
  parser.on('opentag', (tag) => {
    // CDA nests a few dozen levels; far deeper is an attack on the walk, and the document is cut there.
    if (stack.length > MAX_DEPTH) throw new Error('nested too deep');
    const name = localName(tag.name);
    const parent = stack[stack.length - 1];
    const n = (parent?.childCounts.get(name) ?? 0) + 1;
    parent?.childCounts.set(name, n);
    const path = `${parent ? parent.path : ''}/${name}${n > 1 ? `[${n}]` : ''}`;
    const line = parser.line;
    const frame: Frame = { name, path, line, childCounts: new Map() };
    if (name === 'recordTarget') recordTargets++;
    const collecting = stack.some((f) => f.text);
    const holder = holderOf(path);

    if (!collecting) {
      if (name === 'text' && /\/section(\[\d+\])?$/.test(parent?.path ?? '')) frame.text = [];
      else if (holder && (name === 'name' || name === 'addr')) {
        frame.text = [];
        frame.header = `${holder} ${name === 'name' ? 'Name' : 'Address'}`;
      } else if (name === 'title') frame.text = [];
    } else stack.find((f) => f.text)!.text!.push(' ');

    const extension = attr(tag, 'extension');
    if (name === 'id' && extension) {
      const root = attr(tag, 'root');
      if (root === SSN_OID) emit(extension, `${path}/@extension`, line, 'SSN');
      else if (holder === 'Patient') emit(extension, `${path}/@extension`, line, 'MRN');
    }
    if (holder && name === 'birthTime') {
      const value = attr(tag, 'value');
      if (value) emit(value, `${path}/@value`, line, `${holder === 'Patient' ? '' : `${holder} `}Date of Birth`);
    }
    if (holder && name === 'telecom') {
      const value = attr(tag, 'value');
      if (value) {
        const email = value.startsWith('mailto:');
        emit(value.replace(/^(tel|mailto|fax):/, ''), `${path}/@value`, line, `${holder} ${email ? 'Email' : value.startsWith('fax:') ? 'Fax Number' : 'Phone Number'}`);
      }
    }
    const code = attr(tag, 'code');
    const system = attr(tag, 'codeSystem');
    if (code && system && (system === ICD10_OID || ICD9_OIDS.has(system))) {
      emit(code, `${path}/@code`, line, system === ICD10_OID ? 'ICD-10-CM Diagnosis Code' : 'ICD-9-CM Diagnosis Code');
      const display = attr(tag, 'displayName');
      if (display) emit(display, `${path}/@displayName`, line, 'Diagnosis Description');
    }
    // Observation values of type ST and free-text originalText carry what a clinician typed.
    if (name === 'value' && /(^|:)ST$/.test(attr(tag, 'type') ?? '')) frame.text ??= [];
    stack.push(frame);
  });
  parser.on('text', (t) => {
    const holder = [...stack].reverse().find((f) => f.text);
    if (holder) holder.text!.push(t);
  });
  parser.on('cdata', (t) => {
    const holder = [...stack].reverse().find((f) => f.text);
    if (holder) holder.text!.push(t);
  });
  parser.on('closetag', () => {
    const frame = stack.pop()!;
    if (!frame.text) return;
    const outer = stack.find((f) => f.text);
    if (outer) {
      outer.text!.push(' ', ...frame.text, ' ');
      return;
    }
    const text = frame.text.join('');
    if (frame.header) emit(text, frame.path, frame.line, frame.header);
    else if (frame.name === 'text') emitProse(text, frame.path, frame.line);
    else emit(text, frame.path, frame.line);
  });
  try {
    parser.write(source).close();
  } catch {
    if (collector.segments.length === 0) return failure('cda', 'corrupt', 'C-CDA document is not well-formed XML (or declares a DTD)');
    return { ok: true, format: 'cda', segments: collector.segments, encoding: decoded.encoding, degraded: 'XML damaged; text after the damage not read' };
  }
  const degraded = collector.degradedNote();
  return { ok: true, format: 'cda', segments: collector.segments, encoding: decoded.encoding, ...(degraded ? { degraded } : {}) };
}
