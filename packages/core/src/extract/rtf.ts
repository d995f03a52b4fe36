import { failure, SegmentCollector } from './limits.js';
import type { ExtractLimits, ExtractResult } from './types.js';

/**
 * RTF, read by its own grammar: groups, control words and escapes. Font tables, pictures, embedded objects
 * and the other machine destinations are skipped (their hex would read as noise); headers, footers,
 * footnotes and annotations are kept under their own part name, since letterheads and comments are
 * where a referral names its patient.
 */

/** Destinations that hold no text a person wrote. */
const SKIPPED = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'listtable', 'listoverridetable', 'pict', 'object', 'objdata', 'themedata',
  'colorschememapping', 'datastore', 'latentstyles', 'rsidtbl', 'generator', 'xmlnstbl', 'mmathPr', 'filetbl',
  'revtbl', 'pgdsctbl', 'fldinst', 'bkmkstart', 'bkmkend', 'nonshppict', 'blipuid', 'wgrffmtfilter', 'pn',
  'shpinst', 'sp', 'sn', 'sv', 'protusertbl', 'panose', 'falt', 'fname', 'operator', 'password', 'xe', 'tc',
]);
/** Destinations reported as parts of their own, by the word that opens them. */
const PARTS: Record<string, string> = {
  header: 'header', headerl: 'header', headerr: 'header', headerf: 'header',
  footer: 'footer', footerl: 'footer', footerr: 'footer', footerf: 'footer',
  footnote: 'footnote', annotation: 'annotation', info: 'info',
};

interface Group {
  skip: boolean;
  part: string;
  /** Characters to drop after a \uN (the ANSI fallback), per \ucN. */
  uc: number;
}

export async function extractRtf(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  const src = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!src.trimStart().startsWith('{\\rtf')) return failure('rtf', 'corrupt', 'not an RTF document');
  const collector = new SegmentCollector(limits.maxTextChars);
  let codepage = 'windows-1252';
  const paragraphs = new Map<string, number>();
  const buffers = new Map<string, string>();
  const pendingBytes: number[] = [];
  const stack: Group[] = [];
  let group: Group = { skip: false, part: 'document', uc: 1 };
  let dropChars = 0;
  let depthExceeded = false;

  const flushBytes = () => {
    if (pendingBytes.length === 0) return;
    let decoded: string;
    try {
      decoded = new TextDecoder(codepage).decode(Uint8Array.from(pendingBytes));
    } catch {
      decoded = new TextDecoder('windows-1252').decode(Uint8Array.from(pendingBytes));
    }
    pendingBytes.length = 0;
    buffers.set(group.part, (buffers.get(group.part) ?? '') + decoded);
  };
  const emit = (s: string) => {
    if (group.skip) return;
    if (dropChars > 0) {
      dropChars--;
      return;
    }
    flushBytes();
    buffers.set(group.part, (buffers.get(group.part) ?? '') + s);
  };
  const endParagraph = (part: string): boolean => {
    const text = buffers.get(part) ?? '';
    buffers.set(part, '');
    if (!text.trim()) return true;
    const n = (paragraphs.get(part) ?? 0) + 1;
    paragraphs.set(part, n);
    return collector.add({ text, location: { part, paragraph: n } });
  };

  let i = src.indexOf('{');
  let full = false;
  while (i < src.length && !full) {
    const c = src[i]!;
    if (c === '{') {
      flushBytes();
      if (stack.length > 512) {
        depthExceeded = true;
        break;
      }
      stack.push(group);
      group = { ...group };
      i++;
      continue;
    }
    if (c === '}') {
      flushBytes();
      const closing = group;
      group = stack.pop() ?? group;
      if (closing.part !== group.part && !closing.skip) full = !endParagraph(closing.part);
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    if (c !== '\\') {
      if (!group.skip) {
        if (dropChars > 0) dropChars--;
        else {
          const code = c.charCodeAt(0);
          if (code >= 0x80) pendingBytes.push(code);
          else {
            flushBytes();
            buffers.set(group.part, (buffers.get(group.part) ?? '') + c);
          }
        }
      }
      i++;
      continue;
    }
    const next = src[i + 1] ?? '';
    if (next === "'") {
      const byte = parseInt(src.slice(i + 2, i + 4), 16);
      if (!group.skip && !Number.isNaN(byte)) {
        if (dropChars > 0) dropChars--;
        else pendingBytes.push(byte);
      }
      i += 4;
      continue;
    }
    if (next === '*') {
      group.skip = true; // an ignorable destination we do not know
      i += 2;
      continue;
    }
    if (!/[a-zA-Z]/.test(next)) {
      if (next === '\\' || next === '{' || next === '}') emit(next);
      else if (next === '~') emit(' ');
      else if (next === '_') emit('-');
      else if (next === '\n' || next === '\r') full = !endParagraph(group.part);
      i += 2;
      continue;
    }
    const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i + 1, i + 48))!;
    const word = m[1]!;
    const param = m[2] !== undefined ? Number(m[2]) : undefined;
    i += 1 + m[0].length;
    if (word === 'bin' && param !== undefined) {
      i += Math.max(0, param); // raw binary data
      continue;
    }
    if (SKIPPED.has(word)) {
      group.skip = true;
      continue;
    }
    if (PARTS[word] && !group.skip) {
      flushBytes();
      group.part = PARTS[word]!;
      continue;
    }
    switch (word) {
      case 'ansicpg':
        if (param && [437, 850, 852, 866, 874, 932, 936, 949, 950, 1250, 1251, 1252, 1253, 1254, 1255, 1256, 1257, 1258].includes(param)) {
          codepage = param === 437 || param === 850 || param === 852 ? 'windows-1252' : param < 1000 && param !== 874 ? `ibm${param}` : `windows-${param}`;
        }
        break;
      case 'uc':
        group.uc = Math.max(0, param ?? 1);
        break;
      case 'u':
        if (param !== undefined && !group.skip) {
          flushBytes();
          emit(String.fromCharCode(param < 0 ? param + 65536 : param));
          dropChars = group.uc;
        }
        break;
      case 'par':
      case 'sect':
      case 'page':
      case 'row':
        if (!group.skip) {
          flushBytes();
          full = !endParagraph(group.part);
        }
        break;
      case 'line':
        emit('\n');
        break;
      case 'tab':
      case 'cell':
        emit('\t');
        break;
      case 'emdash':
        emit('—');
        break;
      case 'endash':
        emit('–');
        break;
      case 'lquote':
      case 'rquote':
        emit("'");
        break;
      case 'ldblquote':
      case 'rdblquote':
        emit('"');
        break;
      case 'bullet':
        emit('•');
        break;
    }
  }
  flushBytes();
  for (const part of buffers.keys()) if (!full) full = !endParagraph(part);
  const notes = [collector.degradedNote(), depthExceeded ? 'groups nest too deep; text after that point not read' : undefined].filter(Boolean).join('; ');
  return { ok: true, format: 'rtf', segments: collector.segments, ...(notes ? { degraded: notes } : {}) };
}
