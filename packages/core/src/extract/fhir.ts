import { SaxesParser } from 'saxes';
import { maskValue } from '../mask.js';
import { decodeText } from './encoding.js';
import { failure, SegmentCollector } from './limits.js';
import { markupToText } from './text.js';
import type { ContainedFile, ContainedFiles, ExtractLimits, ExtractResult, TextSegment } from './types.js';

/**
 * FHIR R4 resources in JSON, NDJSON (bulk export) or XML, read by what each element means rather than by
 * its words: an identifier is an SSN because its system says so, a code is a diagnosis because its coding
 * system is ICD-10-CM. Each value becomes a segment whose column header tells the detectors what it is, and
 * every resource about a patient carries that patient's record key (Condition.subject → the Patient), so a
 * Bundle counts its patients, not its resources.
 */

const SSN_SYSTEMS = new Set(['http://hl7.org/fhir/sid/us-ssn', 'urn:oid:2.16.840.1.113883.4.1']);
const ICD10_SYSTEMS = new Set(['http://hl7.org/fhir/sid/icd-10-cm', 'http://hl7.org/fhir/sid/icd-10', 'urn:oid:2.16.840.1.113883.6.90']);
const ICD9_SYSTEMS = new Set(['http://hl7.org/fhir/sid/icd-9-cm', 'urn:oid:2.16.840.1.113883.6.103']);
const MBI_SYSTEMS = new Set(['http://hl7.org/fhir/sid/us-mbi']);
const PERSON_RESOURCES = new Set(['Patient', 'RelatedPerson', 'Person']);
/** Elements that hold the patient a resource is about, by resource type (most use subject or patient). */
const PATIENT_REFERENCES = ['subject', 'patient', 'beneficiary', 'individual', 'for'];
/** Structural elements: machine values whose text would only feed false positives (ids, URLs, enums). */
const SKIPPED = new Set(['resourceType', 'id', 'meta', 'system', 'url', 'use', 'status', 'fullUrl', 'reference', 'type', 'mode', 'request', 'response', 'search', 'link', 'version', 'language', 'implicitRules', 'contentType', 'hash', 'size']);
const MAX_DEPTH = 128;
const TEXT_ATTACHMENT = /^(text\/|application\/(xml|json|fhir|xhtml|rtf|hl7))/i;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Where a resource sits and whom it is about. */
interface ResourceFrame {
  type: string;
  label: string;
  recordKey?: string;
  line?: number;
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asArray(v: Json | undefined): Json[] {
  return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
}

function str(v: Json | undefined): string | undefined {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first : typeof first === 'number' ? String(first) : undefined;
}

/** Line a value came from in FHIR XML (the JSON reader has none); kept under a key no FHIR element uses. */
const LINE = '#line';

function lineOf(v: Json | undefined, fallback?: number): number | undefined {
  return isObject(v) && typeof v[LINE] === 'number' ? (v[LINE] as number) : fallback;
}

function codingTypes(identifier: JsonObject): string[] {
  const type = asArray(identifier.type)[0];
  if (!isObject(type)) return [];
  return asArray(type.coding).filter(isObject).map((c) => str(c.code) ?? '').concat(str(type.text) ?? '');
}

/** What an identifier is, from its system and type: the words the detectors know for it. */
function identifierHeader(identifier: JsonObject, resourceType: string): string {
  const system = (str(identifier.system) ?? '').toLowerCase();
  const types = codingTypes(identifier).map((t) => t.toUpperCase());
  if (SSN_SYSTEMS.has(system) || types.includes('SS') || types.some((t) => t.includes('SOCIAL SECURITY'))) return 'SSN';
  if (MBI_SYSTEMS.has(system) || types.includes('MC')) return 'Medicare Beneficiary Identifier MBI';
  if (types.includes('MR') || /\bmrn?\b|medical-?record/.test(system)) return 'MRN';
  if (types.includes('DL') || system.includes('driver')) return "Driver's License Number";
  if (types.includes('MB') || types.includes('SN')) return 'Member ID';
  if (PERSON_RESOURCES.has(resourceType)) return `${resourceType === 'Patient' ? 'Patient' : 'Person'} Identifier MRN`;
  return `${resourceType} Identifier`;
}

function humanNameText(name: JsonObject): string | undefined {
  const text = str(name.text);
  if (text) return text;
  const parts = [...asArray(name.prefix), ...asArray(name.given), ...asArray(name.family), ...asArray(name.suffix)]
    .map((p) => str(p))
    .filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function addressText(address: JsonObject): string | undefined {
  const text = str(address.text);
  if (text) return text;
  const lines = asArray(address.line).map((l) => str(l)).filter(Boolean);
  const cityLine = [str(address.city), [str(address.state), str(address.postalCode)].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const all = [...lines, cityLine, str(address.country)].filter(Boolean);
  return all.length > 0 ? all.join(', ') : undefined;
}

function personWord(resourceType: string, path: string): string {
  if (path.includes('.contact')) return 'Emergency Contact';
  if (resourceType === 'Patient') return 'Patient';
  if (resourceType === 'RelatedPerson') return 'Related Person';
  if (resourceType === 'Practitioner' || resourceType === 'PractitionerRole') return 'Provider';
  return resourceType;
}

function telecomHeader(system: string, who: string): string {
  switch (system) {
    case 'phone':
    case 'sms':
      return `${who} Phone Number`;
    case 'fax':
      return `${who} Fax Number`;
    case 'email':
      return `${who} Email`;
    default:
      return `${who} Contact`;
  }
}

/** The field name as words for context: 'valueString' → 'value String', an extension URL's last step. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ');
}

/**
 * Locations are printed unmasked, and sites often make a Patient's id its MRN: an id with four or more
 * digits is masked like one before it names the resource.
 */
function shownId(id: string): string {
  return /\d(?:\D*\d){3}/.test(id) ? maskValue('mrn', id) : id;
}

class FhirWalker {
  readonly collector: SegmentCollector;
  readonly attachments: ContainedFile[] = [];
  /** fullUrl and 'Patient/id' → record key, so references in either form find their Patient. */
  private readonly patientKeys = new Map<string, string>();
  private resources = 0;

  constructor(maxChars: number) {
    this.collector = new SegmentCollector(maxChars);
  }

  /** First pass: every Patient gets its record key before any resource refers to it. */
  registerPatients(root: Json, fullUrl?: string, depth = 0): void {
    if (!isObject(root) || depth > MAX_DEPTH) return;
    const type = str(root.resourceType);
    if (type === 'Patient') {
      const id = str(root.id);
      const key = `patient:${id ? `Patient/${id}` : (fullUrl ?? `#${this.patientKeys.size + 1}`)}`;
      if (id) this.patientKeys.set(`Patient/${id}`, key);
      if (fullUrl) this.patientKeys.set(fullUrl, key);
      (root as JsonObject)['#key'] = key;
    }
    for (const entry of asArray(root.entry)) {
      if (isObject(entry)) this.registerPatients(entry.resource as Json, str(entry.fullUrl), depth + 1);
    }
    for (const contained of asArray(root.contained)) this.registerPatients(contained, undefined, depth + 1);
  }

  private patientKeyOf(resource: JsonObject): string | undefined {
    if (typeof resource['#key'] === 'string') return resource['#key'] as string;
    for (const field of PATIENT_REFERENCES) {
      for (const ref of asArray(resource[field])) {
        if (!isObject(ref)) continue;
        const reference = str(ref.reference);
        if (!reference) continue;
        const known = this.patientKeys.get(reference) ?? this.patientKeys.get(reference.replace(/^.*\/(Patient\/[^/]+)$/, '$1'));
        if (known) return known;
        if (/^Patient\//.test(reference)) return `patient:${reference}`;
      }
    }
    return undefined;
  }

  /** Second pass: resources, with Bundles and contained resources opened in place. */
  walkResource(resource: Json, where: string, line?: number): boolean {
    if (!isObject(resource) || this.depth > MAX_DEPTH) return true;
    const type = str(resource.resourceType) ?? 'Resource';
    this.resources++;
    const id = str(resource.id);
    const frame: ResourceFrame = { type, label: id ? `${type}/${shownId(id)}` : where ? `${where}(${type})` : type, line: lineOf(resource, line) };
    const key = this.patientKeyOf(resource);
    if (key) frame.recordKey = key;
    for (const [k, v] of Object.entries(resource)) {
      if (k === 'entry' && type === 'Bundle') {
        let i = 0;
        for (const entry of asArray(v)) {
          if (isObject(entry) && !this.walkResource(entry.resource as Json, `${frame.label}.entry[${i}]`, lineOf(entry))) return false;
          i++;
        }
        continue;
      }
      if (k === 'contained') {
        let i = 0;
        for (const c of asArray(v)) if (!this.walkResource(c, `${frame.label}.contained[${i++}]`, lineOf(c))) return false;
        continue;
      }
      if (!this.walkElement(k, v, `${frame.label}.${k}`, frame)) return false;
    }
    return true;
  }

  private emit(text: string, path: string, frame: ResourceFrame, header: string | undefined, line?: number): boolean {
    const at = line ?? frame.line;
    const segment: TextSegment = { text, location: at === undefined ? { path } : { path, line: at } };
    if (header) segment.columnHeader = header;
    if (frame.recordKey) segment.recordKey = frame.recordKey;
    return this.collector.add(segment);
  }

  private depth = 0;

  private walkElement(key: string, value: Json, path: string, frame: ResourceFrame): boolean {
    if (key.startsWith('#') || SKIPPED.has(key)) return true;
    // FHIR nests a few levels per element; hundreds is an attack on the walker's stack, not a resource.
    if (this.depth > MAX_DEPTH) {
      this.tooDeep = true;
      return true;
    }
    this.depth++;
    try {
      return this.walkElementAt(key, value, path, frame);
    } finally {
      this.depth--;
    }
  }

  tooDeep = false;

  private walkElementAt(key: string, value: Json, path: string, frame: ResourceFrame): boolean {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) if (!this.walkElement(key, value[i]!, `${path}[${i}]`, frame)) return false;
      return true;
    }
    if (!isObject(value)) {
      const text = str(value);
      if (text === undefined || typeof value === 'boolean') return true;
      return this.emit(text, path, frame, key === 'birthDate' ? 'Date of Birth' : key === 'deceasedDateTime' ? 'Date of Death' : words(key), undefined);
    }
    const line = lineOf(value);
    const who = personWord(frame.type, path);
    // Values whose meaning the element names: give the detectors that meaning as the column header.
    if (key === 'identifier' || key === 'masterIdentifier') {
      const v = str(value.value);
      if (v && !this.emit(v, `${path}.value`, frame, identifierHeader(value, frame.type), line)) return false;
      return this.walkRest(value, path, frame, ['value', 'type', 'assigner', 'period']);
    }
    if (key === 'name' && (value.family !== undefined || value.given !== undefined || value.text !== undefined)) {
      const v = humanNameText(value);
      return !v || this.emit(v, path, frame, `${who} Name`, line);
    }
    if (key === 'telecom') {
      const v = str(value.value);
      return !v || this.emit(v, `${path}.value`, frame, telecomHeader(str(value.system) ?? '', who), line);
    }
    if (key === 'address') {
      const v = addressText(value);
      return !v || this.emit(v, path, frame, `${who} Address`, line);
    }
    if (key === 'coding') {
      const system = (str(value.system) ?? '').toLowerCase();
      const code = str(value.code);
      const display = str(value.display);
      const header = ICD10_SYSTEMS.has(system) ? 'ICD-10-CM Diagnosis Code' : ICD9_SYSTEMS.has(system) ? 'ICD-9-CM Diagnosis Code' : undefined;
      // Codes of other systems (SNOMED, LOINC, RxNorm) are numbers that would only look like identifiers.
      if (header && code && !this.emit(code, `${path}.code`, frame, header, line)) return false;
      return !display || this.emit(display, `${path}.display`, frame, header ? 'Diagnosis Description' : 'display', line);
    }
    if (key === 'text' && typeof value.div === 'string') {
      const narrative = markupToText(value.div, 'html').replace(/[ \t]+/g, ' ').trim();
      return !narrative || this.emit(narrative, `${path}.div`, frame, undefined, lineOf(value, line));
    }
    if (typeof value.data === 'string' && (value.contentType !== undefined || key === 'content' || key === 'attachment' || key.startsWith('value'))) {
      return this.attachment(value, path, frame, line);
    }
    if (key === 'extension' || key === 'modifierExtension') {
      const url = str(value.url) ?? '';
      const name = url.slice(url.lastIndexOf('/') + 1);
      for (const [k, v] of Object.entries(value)) {
        if (!k.startsWith('value')) continue;
        if (typeof v === 'string' || typeof v === 'number') {
          if (!this.emit(String(v), `${path}.${k}`, frame, words(name), line)) return false;
        } else if (!this.walkElement(k, v, `${path}.${k}`, frame)) return false;
      }
      return this.walkRest(value, path, frame, ['url']);
    }
    return this.walkRest(value, path, frame, []);
  }

  private walkRest(value: JsonObject, path: string, frame: ResourceFrame, done: string[]): boolean {
    for (const [k, v] of Object.entries(value)) {
      if (done.includes(k)) continue;
      if (isObject(v) && typeof v.resourceType === 'string') {
        if (!this.walkResource(v, `${path}.${k}`, lineOf(v))) return false;
      } else if (!this.walkElement(k, v, `${path}.${k}`, frame)) return false;
    }
    return true;
  }

  /**
   * Base64 content (DocumentReference.content.attachment, Binary, Media): text kinds are scanned here as the
   * note they are; anything else (a PDF, a DOCX) becomes a file of its own for its extractor.
   */
  private attachment(value: JsonObject, path: string, frame: ResourceFrame, line?: number): boolean {
    const data = Buffer.from(str(value.data) ?? '', 'base64');
    if (data.length === 0) return true;
    const type = str(value.contentType) ?? '';
    const title = str(value.title);
    if (title && !this.emit(title, `${path}.title`, frame, 'title', line)) return false;
    if (TEXT_ATTACHMENT.test(type) || (!type && !data.subarray(0, 512).includes(0))) {
      const decoded = decodeText(data);
      if (decoded) {
        const text = /html|xml/i.test(type) ? markupToText(decoded.text, /html/i.test(type) ? 'html' : 'xml') : decoded.text;
        return this.emit(text, `${path}.data`, frame, undefined, line);
      }
    }
    const ext = type.includes('pdf') ? '.pdf' : type.includes('wordprocessingml') ? '.docx' : type.includes('spreadsheetml') ? '.xlsx' : '';
    this.attachments.push({ name: `${path}.data${ext}`, bytes: data });
    return true;
  }

  get resourceCount(): number {
    return this.resources;
  }
}

function members(files: ContainedFile[]): ContainedFiles | undefined {
  if (files.length === 0) return undefined;
  return {
    notes: [],
    async *[Symbol.asyncIterator]() {
      yield* files;
    },
  };
}

function result(format: string, walker: FhirWalker, encoding: string, extra?: string): ExtractResult {
  const notes = [walker.collector.degradedNote(), extra, walker.tooDeep ? `elements nested deeper than ${MAX_DEPTH} levels not read` : undefined].filter(Boolean).join('; ');
  const contained = members(walker.attachments);
  return {
    ok: true,
    format,
    segments: walker.collector.segments,
    encoding,
    ...(notes ? { degraded: notes } : {}),
    ...(contained ? { members: contained } : {}),
  };
}

const DEFAULT_MAX_STRUCTURED = 64 * 1024 * 1024;

/** The text of a FHIR file, or why it will not be parsed into a tree (a tree costs several times the text). */
function decodeStructured(
  bytes: Uint8Array,
  limits: ExtractLimits,
  format: string,
): { text: string; decoded: NonNullable<ReturnType<typeof decodeText>> } | ExtractResult {
  const decoded = decodeText(bytes);
  if (!decoded) return failure(format, 'unsupported', 'binary file');
  const text = decoded.text.replace(/^\ufeff/, '');
  if (text.length > (limits.maxStructuredChars ?? DEFAULT_MAX_STRUCTURED)) {
    return failure(format, 'too-large', 'FHIR resource larger than the structured-parse limit');
  }
  return { text, decoded };
}

/** FHIR JSON: one resource or Bundle, or NDJSON with a resource per line (a bulk export). */
export async function extractFhirJson(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const input = decodeStructured(bytes, limits, 'fhir-json');
  if ('ok' in input) return input;
  const { text, decoded } = input;
  const walker = new FhirWalker(limits.maxTextChars);
  let whole: Json | undefined;
  try {
    whole = JSON.parse(text) as Json;
  } catch {
    whole = undefined;
  }
  if (whole !== undefined) {
    // A JSON array of resources (an export that is not a Bundle) reads like a Bundle's entries.
    const roots = Array.isArray(whole) ? whole : [whole];
    for (const r of roots) walker.registerPatients(r);
    roots.forEach((r, i) => walker.walkResource(r, Array.isArray(whole) ? `[${i}]` : ''));
    return result('fhir-json', walker, decoded.encoding);
  }
  // NDJSON: each line a resource. Patients are registered first so a Condition line can find its Patient.
  const lines = text.split(/\r?\n/);
  const parsed: (Json | undefined)[] = lines.map((line) => {
    if (!line.trim()) return undefined;
    try {
      return JSON.parse(line) as Json;
    } catch {
      return undefined;
    }
  });
  let unparsed = 0;
  for (const r of parsed) if (r !== undefined) walker.registerPatients(r);
  for (let i = 0; i < lines.length; i++) {
    const r = parsed[i];
    if (r !== undefined) {
      if (!walker.walkResource(r, `line ${i + 1}`, i + 1)) break;
    } else if (lines[i]!.trim()) {
      unparsed++;
      if (!walker.collector.add({ text: lines[i]!, location: { line: i + 1 } })) break;
    }
  }
  if (walker.resourceCount === 0) return failure('fhir-json', 'corrupt', 'FHIR JSON does not parse');
  return result('fhir-ndjson', walker, decoded.encoding, unparsed > 0 ? `${unparsed} lines are not JSON` : undefined);
}

function localName(name: string): string {
  return name.slice(name.indexOf(':') + 1);
}

/**
 * FHIR XML into the JSON shape, so one walker reads both: `value` attributes become the values, repeated
 * elements arrays, `<resource><Patient>` a resource object, and the XHTML narrative a string.
 */
function fhirXmlToJson(source: string): Json {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: { name: string; obj: JsonObject; divDepth: number; div?: string[] }[] = [];
  let root: Json = null;
  const attach = (parent: JsonObject | undefined, name: string, value: Json) => {
    if (!parent) {
      root = value;
      return;
    }
    const existing = parent[name];
    if (existing === undefined) parent[name] = [value];
    else (existing as Json[]).push(value);
  };
  parser.on('doctype', () => {
    throw new Error('DTD refused');
  });
  parser.on('opentag', (tag) => {
    if (stack.length > MAX_DEPTH * 2) throw new Error('nested too deep');
    const top = stack[stack.length - 1];
    const name = localName(tag.name);
    if (top?.div) {
      top.divDepth++;
      top.div.push(' ');
      return;
    }
    const obj: JsonObject = { [LINE]: parser.line };
    for (const [k, v] of Object.entries(tag.attributes)) {
      if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
      obj[localName(k)] = String(v);
    }
    // A resource element: its name is the resource type (root, or the child of <resource>/<contained>).
    if (/^[A-Z]/.test(name)) obj.resourceType = name;
    const frame: (typeof stack)[number] = { name, obj, divDepth: 0 };
    if (name === 'div') frame.div = [];
    stack.push(frame);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top?.div) top.div.push(t);
  });
  parser.on('closetag', () => {
    const top = stack[stack.length - 1]!;
    if (top.div && top.divDepth > 0) {
      top.divDepth--;
      top.div.push(' ');
      return;
    }
    stack.pop();
    const parent = stack[stack.length - 1];
    let value: Json = top.obj;
    if (top.div) value = top.div.join('');
    else if (Object.keys(top.obj).length === 2 && typeof top.obj.value === 'string') value = top.obj.value;
    if (parent && /^[A-Z]/.test(top.name) && (parent.name === 'resource' || parent.name === 'contained')) {
      // <resource><Patient/></resource>: the wrapper is the resource itself.
      Object.assign(parent.obj, top.obj);
      return;
    }
    attach(parent?.obj, top.name, value);
  });
  parser.write(source).close();
  return unwrapSingletons(root);
}

/** XML gives every child as an array; FHIR single-valued elements read better (and match JSON) as values. */
function unwrapSingletons(v: Json): Json {
  if (Array.isArray(v)) return v.map((x) => unwrapSingletons(x));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) {
    if (Array.isArray(child) && child.length === 1 && !['identifier', 'name', 'telecom', 'address', 'coding', 'entry', 'contained', 'given', 'line', 'extension'].includes(k)) {
      out[k] = unwrapSingletons(child[0]!);
    } else out[k] = unwrapSingletons(child);
  }
  return out;
}

/** FHIR XML (`xmlns="http://hl7.org/fhir"`): one resource or a Bundle. */
export async function extractFhirXml(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const input = decodeStructured(bytes, limits, 'fhir-xml');
  if ('ok' in input) return input;
  const { text, decoded } = input;
  let root: Json;
  try {
    root = fhirXmlToJson(text);
  } catch {
    return failure('fhir-xml', 'corrupt', 'FHIR XML is not well-formed (or declares a DTD)');
  }
  const walker = new FhirWalker(limits.maxTextChars);
  walker.registerPatients(root);
  walker.walkResource(root, '');
  return result('fhir-xml', walker, decoded.encoding);
}
