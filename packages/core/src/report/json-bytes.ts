import { Buffer } from 'node:buffer';
import { decode } from '../packed-findings.js';

/**
 * JSON text written as UTF-8 bytes straight into a buffer, for the report of a file with many findings. Built
 * as strings, 600,000 findings were some six million small strings joined and then encoded again by the stream
 * (most of the main thread's time on a 100k-row workbook). Bytes are exactly what encoding the string
 * JSON.stringify gives would write: plain ASCII is copied, anything else goes through JSON.stringify and
 * Buffer.write.
 */
export class JsonBytes {
  #buffer: Buffer;
  #at = 0;

  constructor(private readonly pieceSize: number) {
    this.#buffer = Buffer.allocUnsafeSlow(pieceSize);
  }

  get length(): number {
    return this.#at;
  }

  /** The bytes so far, handed over whole (the stream keeps them until written); writing goes on in a new buffer. */
  take(): Buffer {
    const piece = this.#buffer.subarray(0, this.#at);
    this.#buffer = Buffer.allocUnsafeSlow(this.pieceSize);
    this.#at = 0;
    return piece;
  }

  #room(bytes: number): void {
    if (this.#at + bytes <= this.#buffer.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.#buffer.length * 2, this.#at + bytes));
    this.#buffer.copy(next, 0, 0, this.#at);
    this.#buffer = next;
  }

  /** Bytes made once (a key, a kind's constant members). */
  bytes(bytes: Uint8Array): void {
    this.#room(bytes.length);
    const buffer = this.#buffer;
    let at = this.#at;
    // Short constants: a loop beats set()'s call for a dozen bytes.
    for (let i = 0; i < bytes.length; i++) buffer[at++] = bytes[i]!;
    this.#at = at;
  }

  /** A whole number below 2^32 in decimal. */
  uint(n: number): void {
    this.#room(10);
    if (n < 10) {
      this.#buffer[this.#at++] = 48 + n;
      return;
    }
    const digits = String(n);
    for (let i = 0; i < digits.length; i++) this.#buffer[this.#at++] = digits.charCodeAt(i);
  }

  /** Any string, UTF-8 encoded as the stream would encode it. */
  text(text: string): void {
    this.#room(3 * text.length);
    this.#at += this.#buffer.write(text, this.#at, 'utf8');
  }

  /** The code units chars[start, end) as JSON.stringify writes that string (quoted, escaped). */
  literal(chars: Uint16Array, start: number, end: number): void {
    this.#room(end - start + 2);
    const buffer = this.#buffer;
    const from = this.#at;
    let at = from;
    buffer[at++] = 0x22;
    for (let i = start; i < end; i++) {
      const c = chars[i]!;
      // Printable ASCII other than '"' and '\' stands for itself; anything else takes the general way.
      if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
        this.#at = from;
        this.text(JSON.stringify(decode(chars, start, end)));
        return;
      }
      buffer[at++] = c;
    }
    buffer[at++] = 0x22;
    this.#at = at;
  }

  /** The code units chars[start, end) as they are (JSON already), UTF-8 encoded. */
  raw(chars: Uint16Array, start: number, end: number): void {
    this.#room(end - start);
    const buffer = this.#buffer;
    const from = this.#at;
    let at = from;
    for (let i = start; i < end; i++) {
      const c = chars[i]!;
      if (c > 0x7f) {
        this.#at = from;
        this.text(decode(chars, start, end));
        return;
      }
      buffer[at++] = c;
    }
    this.#at = at;
  }
}
