import type { ExtractFailure, ExtractFailureReason, SegmentSink, TextSegment } from './types.js';

/** Cuts text at the character limit: the start of a huge file is still worth scanning. */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  return text.length > maxChars ? { text: text.slice(0, maxChars), truncated: true } : { text, truncated: false };
}

/**
 * Collects segments up to limits.maxTextChars in total. Past the limit it stops accepting and remembers
 * it did, so the extractor can report the result as degraded instead of silently short.
 *
 * With a sink, each accepted segment goes to the sink at once and `segments` stays empty: a 100k-row sheet
 * is then detected row by row as it is read, and its 600k cells are never all in memory together.
 */
export class SegmentCollector {
  readonly segments: TextSegment[] = [];
  private chars = 0;
  truncated = false;

  constructor(
    private readonly maxChars: number,
    private readonly sink?: SegmentSink,
  ) {}

  private keep(segment: TextSegment): void {
    if (this.sink) this.sink.add(segment);
    else this.segments.push(segment);
  }

  /** Adds a segment; returns false once the limit is reached so the caller can stop walking. */
  add(segment: TextSegment): boolean {
    if (this.truncated) return false;
    if (!segment.text.trim()) return true;
    const room = this.maxChars - this.chars;
    if (segment.text.length > room) {
      // The bytes of the whole text are not this shorter text's (TextSegment.ascii, TextSegment.utf8).
      if (room > 0) this.keep({ ...segment, text: segment.text.slice(0, room), ascii: undefined, utf8: undefined });
      this.chars = this.maxChars;
      this.truncated = true;
      return false;
    }
    this.keep(segment);
    this.chars += segment.text.length;
    return true;
  }

  get full(): boolean {
    return this.truncated;
  }

  degradedNote(): string | undefined {
    return this.truncated ? `text truncated at ${this.maxChars} characters` : undefined;
  }
}

export function failure(format: string, reason: ExtractFailureReason, message: string): ExtractFailure {
  return { ok: false, format, reason, message };
}

/** Joins degradation notes; undefined when there are none, so the field stays absent. */
export function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const kept = notes.filter((n): n is string => !!n);
  return kept.length > 0 ? kept.join('; ') : undefined;
}
