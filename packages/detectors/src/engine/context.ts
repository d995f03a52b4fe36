import type { ContextRules } from '../detector.js';
import { findKeyword } from '../text/keywords.js';
import type { ConfidenceReason } from '../types.js';

export interface ContextVerdict {
  /** Net confidence steps: +2 for an explicit name of the identifier, +1 for a raise keyword, -1 for a lowering one. */
  steps: number;
  /** A raise or strong keyword was found nearby or in the header. */
  supported: boolean;
  reasons: ConfidenceReason[];
}

export interface ContextInput {
  text: string;
  start: number;
  end: number;
  /** normalizeHeader() of the column header, if any. */
  header?: string;
}

function raiseFrom(haystack: string, rules: ContextRules): { keyword: string; steps: number } | undefined {
  const strong = rules.strong && findKeyword(haystack, rules.strong);
  if (strong) return { keyword: strong, steps: 2 };
  const raise = findKeyword(haystack, rules.raise);
  return raise ? { keyword: raise, steps: 1 } : undefined;
}

/** Line ends within `limit` characters of `from`; bounded, so a text without line breaks costs no more. */
function startOfLine(text: string, from: number, limit: number): number {
  const stop = Math.max(0, from - limit);
  for (let i = from; i > stop; i--) if (text[i - 1] === '\n' || text[i - 1] === '\r') return i;
  return stop;
}

function endOfLine(text: string, from: number, limit: number): number {
  const stop = Math.min(text.length, from + limit);
  for (let i = from; i < stop; i++) if (text[i] === '\n' || text[i] === '\r') return i;
  return stop;
}

/** Keywords within the window before (and the shorter window after) the value, and the column header. */
export function evaluateContext(rules: ContextRules, { text, start, end, header }: ContextInput): ContextVerdict {
  const reasons: ConfidenceReason[] = [];
  const nearby =
    text.slice(Math.max(0, start - rules.window), start).toLowerCase() +
    ' \u0000 ' +
    text.slice(end, end + (rules.after ?? 0)).toLowerCase();
  const fromText = raiseFrom(nearby, rules);
  const fromHeader = header === undefined ? undefined : raiseFrom(header, rules);
  let steps = 0;
  if (fromText) reasons.push({ rule: 'keyword', effect: 'raise', detail: `keyword '${fromText.keyword}' nearby` });
  if (fromHeader) reasons.push({ rule: 'column-header', effect: 'raise', detail: `column header mentions '${fromHeader.keyword}'` });
  steps += Math.max(fromText?.steps ?? 0, fromHeader?.steps ?? 0);
  // A negative keyword speaks for its own line: 'room 301' above an assessment list does not make its codes part numbers.
  const sameLine =
    text.slice(startOfLine(text, start, rules.window), start).toLowerCase() +
    ' \u0000 ' +
    text.slice(end, endOfLine(text, end, rules.after ?? 0)).toLowerCase();
  const lowerText = findKeyword(sameLine, rules.lower);
  const lowerHeader = header === undefined ? undefined : findKeyword(header, rules.lower);
  if (lowerText || lowerHeader) {
    steps -= 1;
    reasons.push(
      lowerText
        ? { rule: 'negative-keyword', effect: 'lower', detail: `keyword '${lowerText}' nearby suggests another kind of number` }
        : { rule: 'negative-keyword', effect: 'lower', detail: `column header mentions '${lowerHeader}'` },
    );
  }
  return { steps, supported: fromText !== undefined || fromHeader !== undefined, reasons };
}
