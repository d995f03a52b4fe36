import type { TextReceiver } from './pdftotext.js';

/** For tests: keeps what a pdftotext run delivers, and counts the restarts. */
export class Collect implements TextReceiver {
  chunks: Buffer[] = [];
  restarts = 0;
  text(chunk: Buffer): void {
    this.chunks.push(Buffer.from(chunk));
  }
  restart(): void {
    this.restarts++;
    this.chunks = [];
  }
  get output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}
