import type * as Saxes from 'saxes';
import { requireOnce } from './load-once.js';

/**
 * A reader for the plain XML that office writers produce, straight from the part's bytes: no decoded copy of a
 * 26 MB sheet, no string per tag name, attribute values decoded only when asked for. It takes a conservative
 * subset of XML — ASCII names, UTF-8, the five named entities and character references, comments, CDATA, an
 * ordinary XML declaration — and throws NotPlainXml on anything else (a DTD, a processing instruction, a
 * carriage return, whitespace a full parser would normalise, anything a full parser would reject). The caller
 * then reads the document again with a full parser, so what is read is what saxes reads, or saxes reads it.
 */

export class NotPlainXml extends Error {}

/**
 * saxes, loaded the first time a part needs it rather than with the extractors: most parts never do, and an
 * import of it cost each worker ~20 ms (its CommonJS build, required, ~7).
 */
export const saxesModule: () => typeof Saxes = requireOnce<typeof Saxes>('saxes');

/** The open tag's attributes; valid only during the open callback. */
export interface AttributeReader {
  /** The value of the attribute named exactly so (`r`, `r:id`). */
  get(name: string): string | undefined;
  /** The first attribute with this local name (`r:id` under whatever prefix the writer chose). */
  local(name: string): string | undefined;
}

export interface PlainXmlHandlers {
  /** Element names are local (prefix dropped); `uri` is the element's namespace when they are resolved. */
  open?(name: string, attributes: AttributeReader, uri: string): void;
  close?(name: string, uri: string): void;
  text?(text: string): void;
}

export interface PlainXmlOptions {
  /**
   * Resolve namespaces as saxes does with `xmlns: true`. A part whose declarations or prefixes are anything
   * but ordinary (an unbound prefix, a redeclared `xml`, an emptied prefix) is left to saxes.
   */
  namespaces?: boolean;
  /** CDATA sections as text (saxes' `cdata` event given to the text handler); false skips them. Default true. */
  cdataAsText?: boolean;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const SEMI = 0x3b;
const HASH = 0x23;
const RBRACKET = 0x5d;
const DASH = 0x2d;

/** Declarations other writers than Excel put first are read by the full parser instead. */
const DECLARATIONS = new Set([
  ' version="1.0" encoding="UTF-8" standalone="yes"',
  ' version="1.0" encoding="UTF-8" standalone="no"',
  ' version="1.0" encoding="UTF-8"',
  ' version="1.0" encoding="utf-8" standalone="yes"',
  ' version="1.0" encoding="utf-8"',
  ' version="1.0" standalone="yes"',
  ' version="1.0"',
]);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === DASH || c === 0x2e || c === 0x3a;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === TAB || c === LF;
}

/** A code point XML 1.0 allows. */
function isXmlChar(cp: number): boolean {
  return cp === TAB || cp === LF || cp === 0x0d || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

interface Name {
  bytes: Uint8Array;
  qualified: string;
  local: string;
  /** '' without one; undefined when the name is not prefix:local (two colons, an empty side). */
  prefix: string | undefined;
}

/** The prefix of a qualified name as saxes splits it, undefined for a name namespaces do not allow. */
function prefixOf(qualified: string): string | undefined {
  const colon = qualified.indexOf(':');
  if (colon < 0) return '';
  if (colon === 0 || colon === qualified.length - 1 || qualified.indexOf(':', colon + 1) >= 0) return undefined;
  return qualified.slice(0, colon);
}

const NAME_SLOTS = 512;

/** Bytes a text run holds as they are: printable ASCII but `&`, `<` and `]`, which need a closer look. */
const PLAIN = new Uint8Array(256);
for (let c = SPACE; c < 0x80; c++) PLAIN[c] = c === AMP || c === LT || c === RBRACKET ? 0 : 1;

const ONES = 0x01010101;
const HIGHS = 0x80808080 | 0;

/** Whether some byte of the 32-bit word is zero (the classic SWAR test, exact about whether, not which). */
function hasZeroByte(x: number): boolean {
  return ((x - ONES) & ~x & HIGHS) !== 0;
}

/**
 * Whether any of the word's four bytes is not PLAIN: a high bit, a byte below 0x20 (bits 5 and 6 clear, the
 * high ones already counted), `&`, `<` or `]`. Four bytes a step, for the long text runs of a document part.
 */
function wordNotPlain(x: number): boolean {
  return (x & HIGHS) !== 0 || hasZeroByte(x & 0x60606060) || hasZeroByte(x ^ 0x26262626) || hasZeroByte(x ^ 0x3c3c3c3c) || hasZeroByte(x ^ 0x5d5d5d5d);
}

/** Buffer's own latin1 slice: no argument checks, which cost more than the copy for a three-byte value. */
interface Latin1 {
  latin1Slice(start: number, end: number): string;
}

class Scanner implements AttributeReader {
  private readonly latin1: Latin1;
  /** The part's bytes as aligned 32-bit words from byte `wordsFrom` on, for skipping plain text (see skipPlain). */
  private readonly words: Int32Array;
  private readonly wordsFrom: number;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private readonly names: (Name | undefined)[] = new Array<Name | undefined>(NAME_SLOTS);
  /** The open tag's attributes: name start, name end, value start, value end, 1 when the value holds '&' or non-ASCII. */
  private attrs = new Int32Array(5 * 16);
  private attrCount = 0;
  private readonly stack: Name[] = [];
  /** With namespaces: each open element's uri and how many bindings it declared; the bindings in scope. */
  private readonly uris: string[] = [];
  private readonly declared: number[] = [];
  private readonly boundPrefixes: string[] = [];
  private readonly boundUris: string[] = [];
  private readonly resolved = new Map<string, string | undefined>();
  /** The open tag's prefixed attribute names, reused tag after tag. */
  private readonly prefixed: Name[] = [];
  private readonly namespaces: boolean;
  private readonly cdataAsText: boolean;

  constructor(
    private readonly b: Uint8Array,
    private readonly handlers: PlainXmlHandlers,
    options: PlainXmlOptions,
  ) {
    this.namespaces = options.namespaces === true;
    this.cdataAsText = options.cdataAsText !== false;
    this.latin1 = Buffer.from(b.buffer, b.byteOffset, b.byteLength) as unknown as Latin1;
    const misalignment = (4 - (b.byteOffset & 3)) & 3;
    const aligned = b.length >= misalignment + 4;
    this.wordsFrom = aligned ? misalignment : 0;
    this.words = aligned ? new Int32Array(b.buffer, b.byteOffset + misalignment, (b.length - misalignment) >> 2) : new Int32Array(0);
  }

  /** The first byte from `at` on that is not PLAIN (or the end): a word at a time where the bytes are aligned. */
  private skipPlain(at: number): number {
    const b = this.b;
    const n = b.length;
    let i = at;
    while (i < n && ((i - this.wordsFrom) & 3) !== 0) {
      if (PLAIN[b[i]!] === 0) return i;
      i++;
    }
    // Plain to the end: rounding down to a word below would step back before `at`.
    if (i >= n) return n;
    // Here i is on a word boundary (wordsFrom is 0 to 3, so i >= wordsFrom).
    const { words } = this;
    let k = (i - this.wordsFrom) >> 2;
    while (k < words.length && !wordNotPlain(words[k]!)) k++;
    i = this.wordsFrom + (k << 2);
    while (i < n && PLAIN[b[i]!] === 1) i++;
    return i;
  }

  run(): void {
    const b = this.b;
    const n = b.length;
    let i = 0;
    if (n >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) throw new NotPlainXml();
    if (n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3;
    if (this.startsWith(i, '<?xml')) i = this.declaration(i);
    let rootSeen = false;
    let textStart = i;
    let special = false;
    while (i < n) {
      const c = b[i]!;
      if (PLAIN[c] === 1) {
        i = this.skipPlain(i + 1);
        continue;
      }
      if (c !== LT) {
        if (c < SPACE) {
          if (c !== TAB && c !== LF) throw new NotPlainXml();
        } else if (c === AMP) {
          i = this.entityEnd(i);
          special = true;
          continue;
        } else if (c === RBRACKET) {
          if (b[i + 1] === RBRACKET && b[i + 2] === GT) throw new NotPlainXml();
        } else if (c >= 0x80) {
          this.checkNonCharacter(i);
          special = true;
        }
        i++;
        continue;
      }
      if (i > textStart) this.text(textStart, i, special);
      special = false;
      const next = b[i + 1];
      if (next === SLASH) i = this.endTag(i + 2);
      else if (next === BANG) i = this.markupDeclaration(i);
      else if (next === QUESTION) throw new NotPlainXml();
      else {
        if (this.stack.length === 0) {
          if (rootSeen) throw new NotPlainXml();
          rootSeen = true;
        }
        i = this.startTag(i + 1);
      }
      textStart = i;
    }
    if (i > textStart) this.text(textStart, i, special);
    if (!rootSeen || this.stack.length > 0) throw new NotPlainXml();
  }

  private startsWith(at: number, s: string): boolean {
    if (at + s.length > this.b.length) return false;
    for (let k = 0; k < s.length; k++) if (this.b[at + k] !== s.charCodeAt(k)) return false;
    return true;
  }

  private declaration(at: number): number {
    const b = this.b;
    let end = at + 5;
    while (end + 1 < b.length && !(b[end] === QUESTION && b[end + 1] === GT)) end++;
    if (end + 1 >= b.length || !DECLARATIONS.has(this.latin1.latin1Slice(at + 5, end))) throw new NotPlainXml();
    return end + 2;
  }

  /** U+FFFE and U+FFFF (EF BF BE/BF) are not XML characters; other bytes are left to the decoder. */
  private checkNonCharacter(i: number): void {
    const b = this.b;
    if (b[i] === 0xef && b[i + 1] === 0xbf && (b[i + 2] === 0xbe || b[i + 2] === 0xbf)) throw new NotPlainXml();
  }

  /** The position after a well-formed entity or character reference starting at `at`. */
  private entityEnd(at: number): number {
    const b = this.b;
    let j = at + 1;
    if (b[j] === HASH) {
      j++;
      let cp = 0;
      let digits = 0;
      if (b[j] === 0x78) {
        j++;
        for (;;) {
          const c = b[j]!;
          const v = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
          if (v < 0) break;
          cp = cp * 16 + v;
          if (cp > 0x10ffff) throw new NotPlainXml();
          digits++;
          j++;
        }
      } else {
        while (b[j]! >= 0x30 && b[j]! <= 0x39) {
          cp = cp * 10 + (b[j]! - 0x30);
          if (cp > 0x10ffff) throw new NotPlainXml();
          digits++;
          j++;
        }
      }
      if (digits === 0 || b[j] !== SEMI || !isXmlChar(cp)) throw new NotPlainXml();
      return j + 1;
    }
    while (j < b.length && j - at <= 5 && b[j] !== SEMI) j++;
    if (b[j] !== SEMI || NAMED_ENTITIES[this.latin1.latin1Slice(at + 1, j)] === undefined) throw new NotPlainXml();
    return j + 1;
  }

  private utf8Of(start: number, end: number): string {
    try {
      return this.utf8.decode(this.b.subarray(start, end));
    } catch {
      throw new NotPlainXml();
    }
  }

  /** Decodes bytes [start, end): ASCII directly, UTF-8 strictly (a bad sequence goes to the full parser). */
  private decode(start: number, end: number, special: boolean): string {
    if (!special) return this.latin1.latin1Slice(start, end);
    const b = this.b;
    let out = '';
    let from = start;
    for (let i = start; i < end; i++) {
      if (b[i] !== AMP) continue;
      if (i > from) out += this.utf8Of(from, i);
      const stop = this.entityEnd(i) - 1;
      if (b[i + 1] === HASH) {
        const hex = b[i + 2] === 0x78;
        out += String.fromCodePoint(Number.parseInt(this.latin1.latin1Slice(i + (hex ? 3 : 2), stop), hex ? 16 : 10));
      } else {
        out += NAMED_ENTITIES[this.latin1.latin1Slice(i + 1, stop)]!;
      }
      from = stop + 1;
      i = stop;
    }
    if (end > from) out += this.utf8Of(from, end);
    return out;
  }

  private text(start: number, end: number, special: boolean): void {
    if (this.stack.length === 0) {
      // Outside the root only whitespace is allowed (non-ASCII and entities are neither).
      for (let i = start; i < end; i++) if (!isSpace(this.b[i]!)) throw new NotPlainXml();
      return;
    }
    if (this.handlers.text) this.handlers.text(this.decode(start, end, special));
  }

  /** The name starting at `at` (ASCII name characters only), from a table keyed by its bytes. */
  private nameAt(at: number): { name: Name; end: number } {
    const b = this.b;
    if (!isNameStart(b[at] ?? 0)) throw new NotPlainXml();
    let end = at;
    let hash = 0;
    while (end < b.length && isNameChar(b[end]!)) {
      hash = (hash * 31 + b[end]!) | 0;
      end++;
    }
    const slot = (hash >>> 0) % NAME_SLOTS;
    const known = this.names[slot];
    if (known && known.bytes.length === end - at) {
      let same = true;
      for (let k = 0; k < known.bytes.length; k++) {
        if (known.bytes[k] !== b[at + k]) {
          same = false;
          break;
        }
      }
      if (same) return { name: known, end };
    }
    const qualified = this.latin1.latin1Slice(at, end);
    const name = { bytes: b.slice(at, end), qualified, local: qualified.slice(qualified.indexOf(':') + 1), prefix: prefixOf(qualified) };
    this.names[slot] = name;
    return { name, end };
  }

  private startTag(at: number): number {
    const b = this.b;
    const { name, end } = this.nameAt(at);
    let i = end;
    this.attrCount = 0;
    for (;;) {
      let spaced = false;
      while (isSpace(b[i] ?? 0)) {
        i++;
        spaced = true;
      }
      const c = b[i];
      if (c === GT) {
        const uri = this.namespaces ? this.enter(name) : '';
        this.stack.push(name);
        this.handlers.open?.(name.local, this, uri);
        return i + 1;
      }
      if (c === SLASH) {
        if (b[i + 1] !== GT) throw new NotPlainXml();
        const uri = this.namespaces ? this.enter(name) : '';
        this.handlers.open?.(name.local, this, uri);
        this.handlers.close?.(name.local, uri);
        if (this.namespaces) this.leave();
        return i + 2;
      }
      if (!spaced) throw new NotPlainXml();
      i = this.attribute(i);
    }
  }

  private attribute(at: number): number {
    const b = this.b;
    if (!isNameStart(b[at] ?? 0)) throw new NotPlainXml();
    let i = at;
    while (i < b.length && isNameChar(b[i]!)) i++;
    const nameEnd = i;
    if (b[i] !== EQUALS) throw new NotPlainXml();
    const quote = b[i + 1];
    if (quote !== QUOT && quote !== APOS) throw new NotPlainXml();
    i += 2;
    const valueStart = i;
    let special = 0;
    for (;;) {
      const c = b[i];
      if (c === undefined || c === LT || c < SPACE) throw new NotPlainXml();
      if (c === quote) break;
      if (c === AMP) {
        i = this.entityEnd(i);
        special = 1;
        continue;
      }
      if (c >= 0x80) {
        this.checkNonCharacter(i);
        special = 1;
      }
      i++;
    }
    for (let k = 0; k < this.attrCount; k++) {
      if (this.sameBytes(this.attrs[k * 5]!, this.attrs[k * 5 + 1]!, at, nameEnd)) throw new NotPlainXml();
    }
    if ((this.attrCount + 1) * 5 > this.attrs.length) {
      const grown = new Int32Array(this.attrs.length * 2);
      grown.set(this.attrs);
      this.attrs = grown;
    }
    const o = this.attrCount++ * 5;
    this.attrs[o] = at;
    this.attrs[o + 1] = nameEnd;
    this.attrs[o + 2] = valueStart;
    this.attrs[o + 3] = i;
    this.attrs[o + 4] = special;
    return i + 1;
  }

  private sameBytes(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
    if (aEnd - aStart !== bEnd - bStart) return false;
    for (let k = 0; k < aEnd - aStart; k++) if (this.b[aStart + k] !== this.b[bStart + k]) return false;
    return true;
  }

  private endTag(at: number): number {
    const b = this.b;
    const { name, end } = this.nameAt(at);
    let i = end;
    while (isSpace(b[i] ?? 0)) i++;
    if (b[i] !== GT) throw new NotPlainXml();
    const open = this.stack.pop();
    if (!open || open.qualified !== name.qualified) throw new NotPlainXml();
    if (this.namespaces) {
      const uri = this.uris[this.uris.length - 1]!;
      this.handlers.close?.(name.local, uri);
      this.leave();
    } else {
      this.handlers.close?.(name.local, '');
    }
    return i + 1;
  }

  /** Binds the open tag's declarations, checks its attribute prefixes, and gives the element's uri. */
  private enter(name: Name): string {
    let declared = 0;
    let prefixed = 0;
    for (let k = 0; k < this.attrCount; k++) {
      const attribute = this.nameAt(this.attrs[k * 5]!).name;
      const prefix = attribute.prefix;
      if (prefix === undefined) throw new NotPlainXml();
      if (attribute.qualified === 'xmlns' || prefix === 'xmlns') {
        const bound = prefix === '' ? '' : attribute.local;
        const uri = this.valueOf(k);
        if (bound === 'xml' || bound === 'xmlns' || uri === '' || uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE) throw new NotPlainXml();
        this.boundPrefixes.push(bound);
        this.boundUris.push(uri);
        this.resolved.clear();
        declared++;
      } else if (prefix !== '') {
        this.prefixed[prefixed++] = attribute;
      }
    }
    this.declared.push(declared);
    for (let k = 0; k < prefixed; k++) {
      const attribute = this.prefixed[k]!;
      if (attribute.prefix !== 'xml' && this.lookup(attribute.prefix!) === undefined) throw new NotPlainXml();
      // The same local name under two prefixes may be one attribute twice: saxes decides.
      for (let j = 0; j < k; j++) if (this.prefixed[j]!.local === attribute.local) throw new NotPlainXml();
    }
    if (name.prefix === undefined || name.prefix === 'xml' || name.prefix === 'xmlns') throw new NotPlainXml();
    const uri = this.lookup(name.prefix);
    if (uri === undefined && name.prefix !== '') throw new NotPlainXml();
    this.uris.push(uri ?? '');
    return uri ?? '';
  }

  private leave(): void {
    this.uris.pop();
    const declared = this.declared.pop()!;
    if (declared === 0) return;
    this.boundPrefixes.length -= declared;
    this.boundUris.length -= declared;
    this.resolved.clear();
  }

  /** The innermost binding of the prefix, remembered until the bindings change (a root declares dozens). */
  private lookup(prefix: string): string | undefined {
    if (this.resolved.has(prefix)) return this.resolved.get(prefix);
    let uri: string | undefined;
    for (let k = this.boundPrefixes.length - 1; k >= 0; k--) {
      if (this.boundPrefixes[k] === prefix) {
        uri = this.boundUris[k];
        break;
      }
    }
    this.resolved.set(prefix, uri);
    return uri;
  }

  /** Comments are skipped, CDATA is text; anything else after `<!` (a DOCTYPE) is for the full parser. */
  private markupDeclaration(at: number): number {
    const b = this.b;
    if (this.startsWith(at, '<!--')) {
      for (let i = at + 4; i + 1 < b.length; i++) {
        const c = b[i]!;
        if (c < SPACE && c !== TAB && c !== LF) throw new NotPlainXml();
        if (c >= 0x80) this.checkNonCharacter(i);
        if (c === DASH && b[i + 1] === DASH) {
          if (b[i + 2] !== GT) throw new NotPlainXml();
          return i + 3;
        }
      }
      throw new NotPlainXml();
    }
    if (this.startsWith(at, '<![CDATA[')) {
      if (this.stack.length === 0) throw new NotPlainXml();
      const start = at + 9;
      let special = false;
      for (let i = start; i + 2 < b.length; i++) {
        const c = b[i]!;
        if (c < SPACE && c !== TAB && c !== LF) throw new NotPlainXml();
        if (c >= 0x80) {
          this.checkNonCharacter(i);
          special = true;
        }
        if (c === RBRACKET && b[i + 1] === RBRACKET && b[i + 2] === GT) {
          // CDATA text is literal: '&' in it is no entity.
          if (i > start && this.handlers.text && this.cdataAsText) this.handlers.text(special ? this.utf8Of(start, i) : this.latin1.latin1Slice(start, i));
          return i + 3;
        }
      }
      throw new NotPlainXml();
    }
    throw new NotPlainXml();
  }

  get(name: string): string | undefined {
    for (let k = 0; k < this.attrCount; k++) {
      if (this.spells(this.attrs[k * 5]!, this.attrs[k * 5 + 1]!, name)) return this.valueOf(k);
    }
    return undefined;
  }

  local(name: string): string | undefined {
    const exact = this.get(name);
    if (exact !== undefined) return exact;
    for (let k = 0; k < this.attrCount; k++) {
      let start = this.attrs[k * 5]!;
      const end = this.attrs[k * 5 + 1]!;
      for (let c = start; c < end; c++) {
        if (this.b[c] === 0x3a) {
          start = c + 1;
          break;
        }
      }
      if (this.spells(start, end, name)) return this.valueOf(k);
    }
    return undefined;
  }

  /** Whether bytes [start, end) are the ASCII name `name`. */
  private spells(start: number, end: number, name: string): boolean {
    if (end - start !== name.length) return false;
    for (let c = 0; c < name.length; c++) if (this.b[start + c] !== name.charCodeAt(c)) return false;
    return true;
  }

  private valueOf(k: number): string {
    return this.decode(this.attrs[k * 5 + 2]!, this.attrs[k * 5 + 3]!, this.attrs[k * 5 + 4] === 1);
  }
}

/** Reads the whole part through the handlers; throws NotPlainXml where a full parser has to read it instead. */
export function scanPlainXml(bytes: Uint8Array, handlers: PlainXmlHandlers, options: PlainXmlOptions = {}): void {
  new Scanner(bytes, handlers, options).run();
}
