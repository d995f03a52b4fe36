// The detectors' own text patterns as one ripgrep pattern file, so the baseline searches for the same shapes.
import fs from 'node:fs';
import { BUILTIN_DETECTORS } from '@phi-scan/detectors';

/**
 * ripgrep is line-oriented and refuses a pattern that can match a line break: the HL7 patterns' "start of
 * text or after a segment end" becomes "start of line", which is the same place in a line-by-line search.
 * The value groups become plain groups: one combined pattern may not name a group twice.
 */
export function toRipgrepPattern(re2) {
  return re2.replaceAll('(?:^|[\\r\\n])', '^').replaceAll('\\r\\n', '\\r').replaceAll('(?P<v>', '(?:');
}

/** Every text-scope pattern (cell patterns need a column header, which plain text has not). */
export function ripgrepPatterns() {
  const out = [];
  for (const detector of BUILTIN_DETECTORS) {
    for (const pattern of detector.patterns) {
      if ((pattern.scope ?? 'text') === 'text') out.push(toRipgrepPattern(pattern.re2));
    }
  }
  return out;
}

export function writePatternFile(file) {
  fs.writeFileSync(file, ripgrepPatterns().join('\n') + '\n');
  return file;
}
