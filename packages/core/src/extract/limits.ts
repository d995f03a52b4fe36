import type { ExtractFailure, ExtractFailureReason, TextSegment } from './types.js';

/** Cuts text at the character limit: the start of a huge file is still worth scanning. */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  return text.length > maxChars ? { text: text.slice(0, maxChars), truncated: true } : { text, truncated: false };
}

/**
 * Collects segments up to limits.maxTextChars in total. Past the limit it stops accepting and remembers
 * it did, so the extractor can report the result as degraded instead of silently short.
 */
export class SegmentCollector {
  readonly segments: TextSegment[] = [];
  private chars = 0;
  truncated = false;

  constructor(private readonly maxChars: number) {}

  /** Adds a segment; returns false once the limit is reached so the caller can stop walking. */
  add(segment: TextSegment): boolean {
    if (this.truncated) return false;
    if (!segment.text.trim()) return true;
    const room = this.maxChars - this.chars;
    if (segment.text.length > room) {
      if (room > 0) this.segments.push({ ...segment, text: segment.text.slice(0, room) });
      this.chars = this.maxChars;
      this.truncated = true;
      return false;
    }
    this.segments.push(segment);
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
