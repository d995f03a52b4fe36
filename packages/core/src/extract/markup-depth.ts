/**
 * htmlparser2 keeps its open elements in an array it grows with unshift, so each level of nesting costs a
 * copy of every level above it: 200,000 nested <div> take minutes. A linear pre-scan bounds how deep the
 * parser would go; past the limit the markup is flattened without a parser instead.
 */
export const MAX_MARKUP_DEPTH = 1024;

/** Void elements and elements whose end tag may be left out: the parser closes these itself. */
const NOT_NESTING = new Set([
  'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr', 'param', 'keygen',
  'p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'optgroup', 'thead', 'tbody', 'tfoot', 'colgroup', 'caption',
  'rb', 'rt', 'rp', 'rtc', 'html', 'head', 'body',
]);

const isNameStart = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);

/**
 * Whether the elements nest deeper than `limit` (an upper bound of the parser's stack: a close tag pops one
 * level whatever its name). Every `<` and `>` is looked at once, so the scan is linear even on text with no
 * closing `>`.
 */
export function markupNestsDeeperThan(source: string, kind: 'html' | 'xml', limit = MAX_MARKUP_DEPTH): boolean {
  let depth = 0;
  let at = source.indexOf('<');
  while (at >= 0) {
    const next = source.charCodeAt(at + 1);
    if (source.startsWith('<!--', at)) {
      const end = source.indexOf('-->', at + 4);
      if (end < 0) return false;
      at = source.indexOf('<', end + 3);
      continue;
    }
    const close = source.indexOf('>', at + 1);
    if (close < 0) return false;
    const closing = next === 47; // '/'
    const nameStart = closing ? at + 2 : at + 1;
    if (isNameStart(source.charCodeAt(nameStart))) {
      let nameEnd = nameStart;
      while (nameEnd < close && !/[\s/>]/.test(source[nameEnd]!)) nameEnd++;
      const name = source.slice(nameStart, nameEnd);
      const counts = kind === 'xml' || !NOT_NESTING.has(name.toLowerCase());
      if (closing) {
        if (counts && depth > 0) depth--;
      } else if (counts && source.charCodeAt(close - 1) !== 47) {
        if (++depth > limit) return true;
      }
    }
    at = source.indexOf('<', close + 1);
  }
  return false;
}

/**
 * The text between tags, with each tag's newlines kept so line numbers still match the file. Used only for
 * markup too deep to parse: entities stay as written and attribute values are lost, but the text is scanned.
 */
export function flattenMarkup(source: string): string {
  const out: string[] = [];
  let from = 0;
  let at = source.indexOf('<');
  while (at >= 0) {
    const close = source.indexOf('>', at + 1);
    if (close < 0) break;
    out.push(source.slice(from, at));
    const tag = source.slice(at, close + 1);
    let newlines = 0;
    for (let i = tag.indexOf('\n'); i >= 0; i = tag.indexOf('\n', i + 1)) newlines++;
    out.push(newlines ? '\n'.repeat(newlines) : ' ');
    from = close + 1;
    at = source.indexOf('<', from);
  }
  out.push(source.slice(from));
  return out.join('');
}
