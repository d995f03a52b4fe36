/** Word-boundary keyword search on lower-cased text; plain code, so no regex runs over input text. */

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
}

/** Whether `keyword` (lower case) occurs in `haystack` (lower case) with no letter or digit glued to either side. */
export function containsKeyword(haystack: string, keyword: string): boolean {
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(keyword, from);
    if (at < 0) return false;
    const before = at > 0 ? haystack.charCodeAt(at - 1) : 32;
    const after = at + keyword.length < haystack.length ? haystack.charCodeAt(at + keyword.length) : 32;
    // Keywords ending in punctuation ('mr#', 'd.o.b.') carry their own boundary.
    const keywordStartsWord = isWordChar(keyword.charCodeAt(0));
    const keywordEndsWord = isWordChar(keyword.charCodeAt(keyword.length - 1));
    if ((!keywordStartsWord || !isWordChar(before)) && (!keywordEndsWord || !isWordChar(after))) return true;
    from = at + 1;
  }
}

/** The first of `keywords` found in `haystack`, or undefined. */
export function findKeyword(haystack: string, keywords: readonly string[]): string | undefined {
  for (const keyword of keywords) if (containsKeyword(haystack, keyword)) return keyword;
  return undefined;
}

/** Escapes a literal for an RE2 source. */
export function escapeRe2(literal: string): string {
  let out = '';
  for (const ch of literal) out += '\\^$.|?*+()[]{}-#'.includes(ch) ? `\\${ch}` : ch;
  return out;
}

/** Lower-cases a column header and turns punctuation into spaces, so 'Patient_Name' reads 'patient name'. */
export function normalizeHeader(header: string): string {
  let out = '';
  for (const ch of header.toLowerCase()) {
    const code = ch.charCodeAt(0);
    out += isWordChar(code) || ch === '#' || ch === '-' || ch === '.' ? ch : ' ';
  }
  return ` ${out} `;
}

/** Headers remembered per memoByHeader() function; a sheet has a handful, a pathological file many. */
const HEADER_MEMO_SIZE = 512;

/**
 * `fact` of a column header, worked out once per header: a table asks the same question of every cell in a
 * column, and normalising the header each time was a good part of a cell's cost.
 */
export function memoByHeader<T>(fact: (columnHeader: string) => T): (columnHeader: string) => T {
  const known = new Map<string, T>();
  return (columnHeader) => {
    const memo = known.get(columnHeader);
    // One lookup per call; has() only for a fact that is itself undefined.
    if (memo !== undefined || known.has(columnHeader)) return memo as T;
    const value = fact(columnHeader);
    if (known.size >= HEADER_MEMO_SIZE) known.clear();
    known.set(columnHeader, value);
    return value;
  };
}
