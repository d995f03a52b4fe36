import { Buffer } from 'node:buffer';

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Stretches of a text as views of one UTF-8 copy of it. RE2 reads UTF-8: handed a string, it makes a fresh
 * copy per call, so a 1 MiB text cost 128 block copies and the copy of every line group looked at again.
 * A view holds the same bytes RE2 would have made (a lone surrogate is U+FFFD either way).
 *
 * Character offsets become byte offsets by counting the UTF-8 length of the stretch between the last offset
 * asked for and this one: nothing for ASCII text, one pass over the text otherwise, as blocks come in order.
 */
export class Utf8Views {
  readonly #text: string;
  readonly #bytes: Buffer;
  readonly #ascii: boolean;
  /** The last offset mapped, in characters and in bytes. */
  #char = 0;
  #byte = 0;

  constructor(text: string) {
    this.#text = text;
    this.#bytes = Buffer.from(text, 'utf8');
    this.#ascii = this.#bytes.length === text.length;
  }

  /** The bytes of text[start, end); undefined when a cut halves a surrogate pair, which UTF-8 cannot do. */
  view(start: number, end: number): Buffer | undefined {
    if (this.#ascii) return this.#bytes.subarray(start, end);
    if (this.#halvesPair(start) || this.#halvesPair(end)) return undefined;
    const from = this.#byteOffset(start);
    return this.#bytes.subarray(from, this.#byteOffset(end));
  }

  #halvesPair(offset: number): boolean {
    return offset > 0 && offset < this.#text.length && isHighSurrogate(this.#text.charCodeAt(offset - 1)) && isLowSurrogate(this.#text.charCodeAt(offset));
  }

  /** Only for offsets that halve no pair, so the stretch between two of them holds whole characters. */
  #byteOffset(offset: number): number {
    if (offset >= this.#char) this.#byte += Buffer.byteLength(this.#text.slice(this.#char, offset), 'utf8');
    else this.#byte -= Buffer.byteLength(this.#text.slice(offset, this.#char), 'utf8');
    this.#char = offset;
    return this.#byte;
  }
}
