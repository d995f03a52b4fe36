import type { Confidence, ConfidenceReason, FindingRole, HipaaCategory } from '@phi-scan/detectors';
import type { ReportedFinding, ReportedLocation } from './types.js';

/**
 * A file's findings in columns instead of an object each. A workbook of 100,000 rows yields 600,000 findings:
 * as objects they cost the worker ~400 MB and seconds to structured-clone to the main thread; as columns they
 * are a few typed arrays (moved, not copied) and one string holding every distinct text once.
 */

/** Index = CONFIDENCE_ORDER of the name. */
export const CONFIDENCE_NAMES: readonly Confidence[] = ['low', 'medium', 'high'];

/** What every finding of one detector shares; a file has a handful. */
export interface FindingKind {
  detector: string;
  hipaa: HipaaCategory;
  role: FindingRole;
}

/** A slot holds the id of a string, a whole number, a JSON text (as a string id) of any other value, or nothing. */
export const SlotKind = { String: 0, Number: 1, Json: 2, Absent: 3 } as const;
export type SlotKind = (typeof SlotKind)[keyof typeof SlotKind];

/** The keys of a location object in their order, and what each holds; a file has a few shapes. */
export interface LocationShape {
  keys: string[];
  kinds: SlotKind[];
}

/** The transit form: plain data, so it structured-clones; every typed array owns its buffer, so it can move. */
export interface PackedFindingsData {
  count: number;
  kinds: FindingKind[];
  shapes: LocationShape[];
  /** Every string's UTF-16 code units, one after the other; string `i` ends at `stringEnds[i]`. */
  chars: Uint16Array;
  stringEnds: Uint32Array;
  kind: Uint16Array;
  value: Uint32Array;
  confidence: Uint8Array;
  fingerprint: Uint32Array;
  /** -1: the finding belongs to no record. */
  record: Int32Array;
  shape: Uint16Array;
  slotStart: Uint32Array;
  slots: Uint32Array;
  /** Only for --explain: each finding's confidence reasons. */
  reasons?: ConfidenceReason[][];
}

/** The buffers to move with a PackedFindingsData (each belongs to it alone). */
export function transferablesOf(data: PackedFindingsData): ArrayBuffer[] {
  return [data.chars, data.stringEnds, data.kind, data.value, data.confidence, data.fingerprint, data.record, data.shape, data.slotStart, data.slots].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/** Past this many distinct strings the de-duplication map starts afresh: ids stay valid, repeats cost a copy. */
const INTERN_MAX_ENTRIES = 1 << 17;

/**
 * Growing by half, not doubling: the columns of a big file are most of what its worker holds, and the old
 * arrays linger until the next collection.
 */
function grown<T extends Uint8Array | Uint16Array | Uint32Array | Int32Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (length: number) => T)(Math.max(needed, Math.ceil(array.length * 1.5), 64));
  next.set(array);
  return next;
}

/** A slot is 32 bits: rows, lines and columns fit; any other number (-1, 2.5, 2^40) is kept as its JSON. */
function slotKindOf(value: unknown): SlotKind {
  switch (typeof value) {
    case 'string':
      return SlotKind.String;
    case 'number':
      return Object.is((value as number) >>> 0, value) ? SlotKind.Number : SlotKind.Json;
    case 'undefined':
      return SlotKind.Absent;
    default:
      return SlotKind.Json;
  }
}

/** Strings by id, each distinct string stored once while the de-duplication map holds it (the worker's own). */
export class StringTable {
  readonly strings: string[] = [];
  #ids = new Map<string, number>();

  clear(): void {
    this.strings.length = 0;
    this.#ids.clear();
  }

  intern(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      if (this.#ids.size >= INTERN_MAX_ENTRIES) this.#ids.clear();
      id = this.strings.length;
      this.strings.push(text);
      this.#ids.set(text, id);
    }
    return id;
  }

}

/**
 * The shipped strings, copied into one array of code units. Holding the extractor's own strings cost a
 * workbook 30–40 MB: a cell reference cut from a chunk of sheet XML keeps that whole chunk alive.
 */
export class CharTable {
  chars = new Uint16Array(0);
  ends = new Uint32Array(0);
  count = 0;
  #length = 0;
  #ids = new Map<string, number>();

  clear(): void {
    this.count = 0;
    this.#length = 0;
    this.#ids.clear();
  }

  intern(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      if (this.#ids.size >= INTERN_MAX_ENTRIES) this.#ids.clear();
      id = this.append(text);
      this.#ids.set(text, id);
    }
    return id;
  }

  /** Adds the string without looking for it: for text that seldom repeats. */
  append(text: string): number {
    const start = this.#length;
    const end = start + text.length;
    this.chars = grown(this.chars, end);
    for (let i = 0; i < text.length; i++) this.chars[start + i] = text.charCodeAt(i);
    this.#length = end;
    this.ends = grown(this.ends, this.count + 1);
    this.ends[this.count] = end;
    return this.count++;
  }

  get length(): number {
    return this.#length;
  }
}

/** Location strings looked up before a field stops de-duplicating (see FieldStrings). */
const FIELD_TRIAL = 1024;

/**
 * Decides per location field whether de-duplicating pays: a sheet name or a column header repeats on every
 * row, a cell reference never does, and a map insert per unique cell cost a tenth of a workbook's scan.
 */
class FieldStrings {
  #looked = 0;
  #repeats = 0;
  #dedupe = true;

  constructor(private readonly table: CharTable) {}

  /** The last string and its id: a sheet name is the same object cell after cell. */
  #last: string | undefined;
  #lastId = -1;

  id(text: string): number {
    if (text === this.#last) return this.#lastId;
    if (!this.#dedupe) return this.table.append(text);
    const known = this.table.count;
    const id = this.table.intern(text);
    this.#last = text;
    this.#lastId = id;
    if (id < known) this.#repeats++;
    // Fewer than one in four seen before: the field is unique text (cells, paths), appended from now on.
    if (++this.#looked === FIELD_TRIAL && this.#repeats * 4 < FIELD_TRIAL) this.#dedupe = false;
    return id;
  }
}

/**
 * Builds the columns as findings arrive (in the worker). Rows can be dropped and the survivors moved down
 * (`move`, `truncate`) once the end of the file decides their confidence; records are given at `pack`,
 * since only the whole file decides them.
 */
export class FindingPacker {
  count = 0;
  kind = new Uint16Array(0);
  value = new Uint32Array(0);
  confidence = new Uint8Array(0);
  fingerprint = new Uint32Array(0);
  /** Confidence once document context raises it, or NOT_RAISED; never shipped. */
  raised = new Uint8Array(0);
  static readonly NOT_RAISED = 255;
  kinds: FindingKind[] = [];
  #shape = new Uint16Array(0);
  #slotStart = new Uint32Array(0);
  #slots = new Uint32Array(0);
  #slotCount = 0;
  #shapes: LocationShape[] = [];
  /** Per shape, per key: how its strings are stored. */
  #fieldStrings: FieldStrings[][] = [];
  #shapeIds = new Map<string, number>();
  #lastShape = -1;
  #kindIds = new Map<string, number[]>();
  readonly #strings = new CharTable();
  /**
   * What only the worker needs (grouping reads them): normalized values as ids into `local`, record keys as ids
   * from `recordKeyId` (-1 when the segment has none).
   */
  normalized = new Uint32Array(0);
  recordKey = new Int32Array(0);
  readonly local = new StringTable();
  /**
   * Not in `local`: its map starts afresh past a size, and a key met again after that (a JSON or XML record
   * resumed after its nested ones) would get a new id, which grouping reads as another record.
   */
  readonly #recordKeyIds = new Map<string, number>();

  /**
   * Empties the packer for the next file, keeping its arrays: a file whose findings were built as objects
   * hands the packer back (the columns of a shipped one have moved to the main thread).
   */
  clear(): void {
    this.count = 0;
    this.kinds = [];
    this.#slotCount = 0;
    this.#shapes = [];
    this.#fieldStrings = [];
    this.#shapeIds.clear();
    this.#lastShape = -1;
    this.#kindIds.clear();
    this.#strings.clear();
    this.local.clear();
    this.#recordKeyIds.clear();
  }

  /** The same id for the same key, however many strings the file has. */
  recordKeyId(key: string): number {
    let id = this.#recordKeyIds.get(key);
    if (id === undefined) this.#recordKeyIds.set(key, (id = this.#recordKeyIds.size));
    return id;
  }

  kindOf(detector: string, hipaa: HipaaCategory, role: FindingRole): number {
    let ids = this.#kindIds.get(detector);
    if (!ids) this.#kindIds.set(detector, (ids = []));
    for (const id of ids) {
      const kind = this.kinds[id]!;
      if (kind.hipaa === hipaa && kind.role === role) return id;
    }
    if (this.kinds.length > 0xffff) throw new Error('more than 65,536 kinds of finding in one file');
    ids.push(this.kinds.length);
    this.kinds.push({ detector, hipaa, role });
    return this.kinds.length - 1;
  }

  intern(text: string): number {
    return this.#strings.intern(text);
  }

  push(kind: number, value: number, fingerprint: number, confidence: number, raised: number, normalized: number, recordKey: number, location: object): void {
    const row = this.count++;
    if (row >= this.kind.length) {
      const needed = row + 1;
      this.kind = grown(this.kind, needed);
      this.value = grown(this.value, needed);
      this.confidence = grown(this.confidence, needed);
      this.fingerprint = grown(this.fingerprint, needed);
      this.raised = grown(this.raised, needed);
      this.normalized = grown(this.normalized, needed);
      this.recordKey = grown(this.recordKey, needed);
      this.#shape = grown(this.#shape, needed);
      this.#slotStart = grown(this.#slotStart, needed);
    }
    this.kind[row] = kind;
    this.value[row] = value;
    this.fingerprint[row] = fingerprint;
    this.confidence[row] = confidence;
    this.raised[row] = raised;
    this.normalized[row] = normalized;
    this.recordKey[row] = recordKey;
    const shapeId = this.#shapeFor(location);
    const shape = this.#shapes[shapeId]!;
    this.#shape[row] = shapeId;
    this.#slotStart[row] = this.#slotCount;
    this.#slots = grown(this.#slots, this.#slotCount + shape.keys.length);
    const fields = location as Record<string, unknown>;
    const strings = this.#fieldStrings[shapeId]!;
    for (let j = 0; j < shape.keys.length; j++) {
      const field = fields[shape.keys[j]!];
      switch (shape.kinds[j]) {
        case SlotKind.Number:
          this.#slots[this.#slotCount++] = field as number;
          break;
        case SlotKind.String:
          this.#slots[this.#slotCount++] = strings[j]!.id(field as string);
          break;
        case SlotKind.Json:
          this.#slots[this.#slotCount++] = this.intern(JSON.stringify(field));
          break;
      }
    }
  }

  /** Moves row `from` down to `to` (to ≤ from), with its final confidence. */
  move(from: number, to: number, confidence: number): void {
    this.kind[to] = this.kind[from]!;
    this.value[to] = this.value[from]!;
    this.fingerprint[to] = this.fingerprint[from]!;
    this.confidence[to] = confidence;
    this.normalized[to] = this.normalized[from]!;
    this.recordKey[to] = this.recordKey[from]!;
    this.#shape[to] = this.#shape[from]!;
    this.#slotStart[to] = this.#slotStart[from]!;
  }

  truncate(count: number): void {
    this.count = count;
  }

  /**
   * The transit form of the first `count` rows: views of the packer's own buffers (a copy would double the
   * columns at the moment the worker holds most), moved whole to the main thread. The packer is spent after.
   */
  pack(record: Int32Array, reasons?: ConfidenceReason[][]): PackedFindingsData {
    const n = this.count;
    const strings = this.#strings;
    const data: PackedFindingsData = {
      count: n,
      kinds: this.kinds,
      shapes: this.#shapes,
      chars: strings.chars.subarray(0, strings.length),
      stringEnds: strings.ends.subarray(0, strings.count),
      kind: this.kind.subarray(0, n),
      value: this.value.subarray(0, n),
      confidence: this.confidence.subarray(0, n),
      fingerprint: this.fingerprint.subarray(0, n),
      record,
      shape: this.#shape.subarray(0, n),
      slotStart: this.#slotStart.subarray(0, n),
      slots: this.#slots.subarray(0, this.#slotCount),
    };
    if (reasons) data.reasons = reasons;
    return data;
  }

  /** Table rows and document paragraphs repeat one shape: checking the last one first skips the lookup. */
  #shapeFor(location: object): number {
    const last = this.#shapes[this.#lastShape];
    if (last && fits(last, location)) return this.#lastShape;
    const keys: string[] = [];
    const kinds: SlotKind[] = [];
    for (const [key, field] of Object.entries(location)) {
      keys.push(key);
      kinds.push(slotKindOf(field));
    }
    const signature = keys.map((key, j) => `${kinds[j]}${key}`).join('\0');
    let id = this.#shapeIds.get(signature);
    if (id === undefined) {
      // Shapes come from the extractors' few location types: this many means something is wrong.
      if (this.#shapes.length > 0xffff) throw new Error('more than 65,536 location shapes in one file');
      id = this.#shapes.length;
      this.#shapes.push({ keys, kinds });
      this.#fieldStrings.push(keys.map(() => new FieldStrings(this.#strings)));
      this.#shapeIds.set(signature, id);
    }
    this.#lastShape = id;
    return id;
  }
}

function fits(shape: LocationShape, location: object): boolean {
  let j = 0;
  const fields = location as Record<string, unknown>;
  for (const key in fields) {
    if (shape.keys[j] !== key || shape.kinds[j] !== slotKindOf(fields[key])) return false;
    j++;
  }
  return j === shape.keys.length;
}

/**
 * Reads the columns back (on the main thread): one finding as the object it stands for, all of them, or the
 * pieces a writer needs to print a finding without building it.
 */
export class PackedFindings {
  readonly count: number;
  readonly #data: PackedFindingsData;
  /**
   * A string is cached once asked for twice: table cells are asked once, values and fingerprints often. Only
   * for many findings (a few cost less decoded twice than the caches), and the cache only on first use: a
   * writer copies the code units and never asks.
   */
  #textAt: Int32Array | undefined;
  readonly #cached: string[] = [];
  readonly #asked: Uint8Array | undefined;
  /** Per shape, each key as UTF-8 opening the object (`{"sheet":`) or following a member (`,"sheet":`); made on first use. */
  #keyBytes: { first: Uint8Array; next: Uint8Array }[][] | undefined;

  constructor(data: PackedFindingsData) {
    this.#data = data;
    this.count = data.count;
    if (data.count >= CACHE_MIN_FINDINGS) this.#asked = new Uint8Array(data.stringEnds.length);
  }

  get kinds(): readonly FindingKind[] {
    return this.#data.kinds;
  }

  kindOf(i: number): FindingKind {
    return this.#data.kinds[this.#data.kind[i]!]!;
  }

  /** Index of the finding's kind in `kinds`. */
  kindId(i: number): number {
    return this.#data.kind[i]!;
  }

  /** Each kind with how many findings it has, in order of first appearance. */
  kindCounts(): { kind: FindingKind; count: number }[] {
    const counts = new Array<number>(this.#data.kinds.length).fill(0);
    for (let i = 0; i < this.count; i++) counts[this.#data.kind[i]!]!++;
    return this.#data.kinds.map((kind, id) => ({ kind, count: counts[id]! }));
  }

  confidence(i: number): Confidence {
    return CONFIDENCE_NAMES[this.#data.confidence[i]!]!;
  }

  /** -1: no record. */
  record(i: number): number {
    return this.#data.record[i]!;
  }

  reasons(i: number): ConfidenceReason[] | undefined {
    return this.#data.reasons?.[i];
  }

  value(i: number): string {
    return this.#text(this.#data.value[i]!);
  }

  fingerprint(i: number): string {
    return this.#text(this.#data.fingerprint[i]!);
  }

  location(i: number): ReportedLocation {
    const { shapes, shape, slotStart, slots } = this.#data;
    const { keys, kinds } = shapes[shape[i]!]!;
    const location: Record<string, unknown> = {};
    let at = slotStart[i]!;
    for (let j = 0; j < keys.length; j++) {
      const kind = kinds[j];
      if (kind === SlotKind.Absent) continue;
      const slot = slots[at++]!;
      location[keys[j]!] = kind === SlotKind.Number ? slot : kind === SlotKind.String ? this.#text(slot) : JSON.parse(this.#text(slot));
    }
    return location as unknown as ReportedLocation;
  }

  /** The value as the UTF-8 of its JSON string literal, straight into `out`. */
  writeValueJson(i: number, out: JsonBytesOut): void {
    this.#writeLiteral(this.#data.value[i]!, out);
  }

  /** The fingerprint as the UTF-8 of its JSON string literal, straight into `out`. */
  writeFingerprintJson(i: number, out: JsonBytesOut): void {
    this.#writeLiteral(this.#data.fingerprint[i]!, out);
  }

  /** The location as the UTF-8 of what JSON.stringify writes for it (keys in the same order), straight into `out`. */
  writeLocationJson(i: number, out: JsonBytesOut): void {
    const { shapes, shape, slotStart, slots, chars, stringEnds } = this.#data;
    const { kinds } = shapes[shape[i]!]!;
    const keys = (this.#keyBytes ??= this.#data.shapes.map((s) => s.keys.map((key) => keyBytesOf(key))))[shape[i]!]!;
    let first = true;
    let at = slotStart[i]!;
    for (let j = 0; j < keys.length; j++) {
      const kind = kinds[j];
      if (kind === SlotKind.Absent) continue;
      const slot = slots[at++]!;
      out.bytes(first ? keys[j]!.first : keys[j]!.next);
      first = false;
      if (kind === SlotKind.Number) out.uint(slot);
      else if (kind === SlotKind.String) out.literal(chars, slot === 0 ? 0 : stringEnds[slot - 1]!, stringEnds[slot]!);
      else out.raw(chars, slot === 0 ? 0 : stringEnds[slot - 1]!, stringEnds[slot]!);
    }
    out.bytes(first ? EMPTY_OBJECT : CLOSE_OBJECT);
  }

  #writeLiteral(id: number, out: JsonBytesOut): void {
    const ends = this.#data.stringEnds;
    out.literal(this.#data.chars, id === 0 ? 0 : ends[id - 1]!, ends[id]!);
  }

  /** The finding as analyze.ts used to build it, field for field. */
  finding(i: number): ReportedFinding {
    const { detector, hipaa, role } = this.kindOf(i);
    const finding: ReportedFinding = {
      detector,
      hipaa,
      role,
      value: this.value(i),
      confidence: this.confidence(i),
      location: this.location(i),
      fingerprint: this.fingerprint(i),
    };
    const record = this.record(i);
    if (record >= 0) finding.record = record;
    const reasons = this.reasons(i);
    if (reasons) finding.reasons = reasons;
    return finding;
  }

  materialize(): ReportedFinding[] {
    const findings = new Array<ReportedFinding>(this.count);
    for (let i = 0; i < this.count; i++) findings[i] = this.finding(i);
    return findings;
  }

  #text(id: number): string {
    const asked = this.#asked;
    if (!asked) return this.#decoded(id);
    const textAt = (this.#textAt ??= new Int32Array(asked.length).fill(-1));
    const at = textAt[id]!;
    if (at >= 0) return this.#cached[at]!;
    const text = this.#decoded(id);
    if (asked[id]) textAt[id] = this.#cached.push(text) - 1;
    else asked[id] = 1;
    return text;
  }

  #decoded(id: number): string {
    const ends = this.#data.stringEnds;
    return decode(this.#data.chars, id === 0 ? 0 : ends[id - 1]!, ends[id]!);
  }
}

const CACHE_MIN_FINDINGS = 1024;

/** Code units per String.fromCharCode call: well under any engine's argument limit. */
const DECODE_CHUNK = 4096;

export function decode(chars: Uint16Array, start: number, end: number): string {
  if (end - start <= DECODE_CHUNK) return String.fromCharCode.apply(null, chars.subarray(start, end) as unknown as number[]);
  let text = '';
  for (let at = start; at < end; at += DECODE_CHUNK) {
    text += String.fromCharCode.apply(null, chars.subarray(at, Math.min(end, at + DECODE_CHUNK)) as unknown as number[]);
  }
  return text;
}

/** Where the write… methods put a finding's JSON (report/json-bytes.ts). */
export interface JsonBytesOut {
  bytes(bytes: Uint8Array): void;
  uint(n: number): void;
  literal(chars: Uint16Array, start: number, end: number): void;
  raw(chars: Uint16Array, start: number, end: number): void;
}

const utf8 = new TextEncoder();
const EMPTY_OBJECT = utf8.encode('{}');
const CLOSE_OBJECT = utf8.encode('}');

function keyBytesOf(key: string): { first: Uint8Array; next: Uint8Array } {
  const member = `${JSON.stringify(key)}:`;
  return { first: utf8.encode(`{${member}`), next: utf8.encode(`,${member}`) };
}
