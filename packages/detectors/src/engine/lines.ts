/**
 * Maps offsets to 1-based line and column; \r\n, \n and a lone \r (HL7 segments) each end a line.
 *
 * Line starts are found lazily, only as far as the offsets asked for, and by indexOf rather than a loop over
 * every character: a 1 MiB text with a finding near its top then costs a few searches, not a full pass.
 */
export class LineIndex {
  readonly #text: string;
  readonly #starts: number[] = [0];
  /** Every line start at or before this offset is in #starts. */
  #scanned = 0;
  /** The next '\n' / '\r' at or after #scanned (-1: none left), kept between calls so each is searched once. */
  #nextLf = -2;
  #nextCr = -2;

  constructor(text: string) {
    this.#text = text;
  }

  #scanTo(offset: number): void {
    const text = this.#text;
    if (this.#scanned >= offset) return;
    // Most text has no '\r' at all: one search says so, and the loop then looks for '\n' alone.
    if (this.#nextCr === -2) this.#nextCr = text.indexOf('\r');
    if (this.#nextCr === -1) {
      const starts = this.#starts;
      let at = text.indexOf('\n', this.#scanned);
      while (at >= 0 && at < offset) {
        starts.push(at + 1);
        at = text.indexOf('\n', at + 1);
      }
      // Every start up to the break found (not yet taken) is in; none left when there is no break.
      this.#scanned = at < 0 ? text.length : at;
      return;
    }
    while (this.#scanned < offset && this.#scanned < text.length) {
      if (this.#nextLf !== -1 && this.#nextLf < this.#scanned) this.#nextLf = text.indexOf('\n', this.#scanned);
      if (this.#nextCr !== -1 && this.#nextCr < this.#scanned) this.#nextCr = text.indexOf('\r', this.#scanned);
      const lf = this.#nextLf;
      const cr = this.#nextCr;
      if (lf < 0 && cr < 0) {
        this.#scanned = text.length;
        return;
      }
      // The earlier break ends the line; a '\r' right before '\n' is part of that one break.
      const at = cr >= 0 && (lf < 0 || cr < lf) ? (lf === cr + 1 ? lf : cr) : lf;
      this.#starts.push(at + 1);
      this.#scanned = at + 1;
    }
  }

  locate(offset: number): { line: number; column: number } {
    this.#scanTo(offset);
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.#starts[low]! + 1 };
  }
}
