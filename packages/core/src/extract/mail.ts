import PostalMime, { type Address, type Email } from 'postal-mime';
import { failure, SegmentCollector } from './limits.js';
import { markupToText } from './text.js';
import type { ContainedFile, ContainedFiles, ExtractLimits, ExtractResult, TextSegment } from './types.js';

/**
 * Saved e-mail: .eml (one RFC 5322 message) and .mbox (many, each after a "From " line). Headers and bodies
 * are text of the mail itself; every attachment, forwarded messages included, is handed on as a file of its
 * own (`mail.eml!lab-results.pdf`) and so gets its own extractor and its own line in the report.
 */

/** Headers a person wrote or that name people; routing headers (Received, DKIM) are machine noise. */
const TEXT_HEADERS = ['from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'subject', 'date', 'comments', 'keywords'];

function addressText(list: Address | Address[] | undefined): string {
  const all = Array.isArray(list) ? list : list ? [list] : [];
  return all
    .flatMap((a) => (a.group ? a.group : [a]))
    .map((m) => (m.name ? `${m.name} <${m.address}>` : (m.address ?? '')))
    .join(', ');
}

/** Body text first, else the HTML body as text; a mail with both has the same words twice. */
function bodyText(email: Email): { section: string; text: string } | undefined {
  if (email.text?.trim()) return { section: 'body', text: email.text };
  if (email.html?.trim()) return { section: 'body (html)', text: markupToText(email.html, 'html') };
  return undefined;
}

function attachmentBytes(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === 'string') return Buffer.from(content, 'utf8');
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** A name for the attachment that is a path step: no separators, and something when the mail gave none. */
function attachmentName(filename: string | null, mimeType: string, index: number, used: Set<string>): string {
  let base = (filename ?? '').replace(/[\\/!\u0000-\u001f]/g, '_').trim();
  if (!base) base = mimeType === 'message/rfc822' ? `attachment-${index}.eml` : `attachment-${index}`;
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${n}-${base}`;
  used.add(name);
  return name;
}

/** Splits an mbox at its "From " separator lines (after a blank line, or at the start). */
export function splitMbox(text: string): { start: number; body: string }[] {
  const out: { start: number; body: string }[] = [];
  const re = /(^|\n)From [^\n]*\n/g;
  const starts: { at: number; bodyAt: number }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const at = m.index + m[1]!.length;
    starts.push({ at, bodyAt: m.index + m[0].length });
  }
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const end = i + 1 < starts.length ? starts[i + 1]!.at : text.length;
    // mboxrd escapes body lines that begin with "From " as ">From ".
    out.push({ start: s.at, body: text.slice(s.bodyAt, end).replace(/^>(>*From )/gm, '$1') });
  }
  return out;
}

async function readMessages(raws: (string | Uint8Array)[], format: 'eml' | 'mbox', limits: ExtractLimits): Promise<ExtractResult> {
  const collector = new SegmentCollector(limits.maxTextChars);
  const attachments: ContainedFile[] = [];
  let unreadable = 0;
  for (let i = 0; i < raws.length && !collector.full; i++) {
    const email = i + 1;
    let parsed: Email;
    try {
      parsed = await PostalMime.parse(raws[i]!, { forceRfc822Attachments: true, attachmentEncoding: 'arraybuffer' });
    } catch {
      unreadable++;
      continue;
    }
    const add = (section: string, text: string): boolean => {
      const segment: TextSegment = { text, location: { email, section, line: 1 }, columnHeader: section.startsWith('header ') ? section.slice(7) : undefined };
      if (!segment.columnHeader) delete segment.columnHeader;
      return collector.add(segment);
    };
    for (const key of TEXT_HEADERS) {
      for (const header of parsed.headers.filter((h) => h.key === key)) {
        const value =
          key === 'from' ? addressText(parsed.from) : key === 'to' ? addressText(parsed.to) : key === 'cc' ? addressText(parsed.cc) : key === 'subject' ? (parsed.subject ?? header.value) : header.value;
        if (value && !add(`header ${header.originalKey}`, value)) break;
      }
    }
    const body = bodyText(parsed);
    if (body && !add(body.section, body.text)) break;
    const used = new Set<string>();
    parsed.attachments.forEach((a, n) => {
      const name = attachmentName(a.filename, a.mimeType, n + 1, used);
      attachments.push({ name: format === 'mbox' ? `message-${email}/${name}` : name, bytes: attachmentBytes(a.content) });
    });
  }
  if (unreadable === raws.length) return failure(format, 'corrupt', 'mail message could not be parsed');
  const notes = [collector.degradedNote(), unreadable ? `${unreadable} messages could not be parsed` : undefined].filter(Boolean).join('; ');
  const members: ContainedFiles | undefined = attachments.length
    ? {
        notes: [],
        async *[Symbol.asyncIterator]() {
          // Handed out one at a time and let go, so a large mbox does not keep every attachment alive.
          while (attachments.length) yield attachments.shift()!;
        },
      }
    : undefined;
  return { ok: true, format, segments: collector.segments, ...(notes ? { degraded: notes } : {}), ...(members ? { members } : {}) };
}

export async function extractEml(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  return readMessages([bytes], 'eml', limits);
}

export async function extractMbox(bytes: Uint8Array, limits: ExtractLimits): Promise<ExtractResult> {
  // latin1 keeps every byte as one character, so each message's own charset headers still decode it right.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const messages = splitMbox(text);
  if (messages.length === 0) return failure('mbox', 'corrupt', 'no messages in mbox');
  return readMessages(
    messages.map((m) => Buffer.from(m.body, 'latin1')),
    'mbox',
    limits,
  );
}
