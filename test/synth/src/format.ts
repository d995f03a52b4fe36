/** How dates, names and identifiers are written in the documents: one place, so each file can vary them. */
import type { CivilDate, Patient, Provider } from './patients.js';

export type DateStyle = 'us' | 'us-short' | 'iso' | 'long' | 'dmy' | 'hl7';

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The spellings the DOB detector is specified to read: 03/14/1962, 3/14/62, 1962-03-14, March 14, 1962, 14-Mar-1962, 19620314. */
export function formatDate(d: CivilDate, style: DateStyle): string {
  const month = MONTHS[d.month - 1] as string;
  switch (style) {
    case 'us': return `${pad2(d.month)}/${pad2(d.day)}/${d.year}`;
    case 'us-short': return `${d.month}/${d.day}/${pad2(d.year % 100)}`;
    case 'iso': return `${d.year}-${pad2(d.month)}-${pad2(d.day)}`;
    case 'long': return `${month} ${d.day}, ${d.year}`;
    case 'dmy': return `${pad2(d.day)}-${month.slice(0, 3)}-${d.year}`;
    case 'hl7': return `${d.year}${pad2(d.month)}${pad2(d.day)}`;
  }
}

/** Midnight UTC, so a spreadsheet cell shows the same day in every time zone the tests run in. */
export function toUtcDate(d: CivilDate): Date {
  return new Date(Date.UTC(d.year, d.month - 1, d.day));
}

export function addDays(d: CivilDate, days: number): CivilDate {
  const t = toUtcDate(d);
  t.setUTCDate(t.getUTCDate() + days);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

export type NameStyle = 'first-last' | 'first-mi-last' | 'last-first-mi' | 'upper-last-first-mi';

export function formatName(p: Patient, style: NameStyle): string {
  switch (style) {
    case 'first-last': return `${p.given} ${p.family}`;
    case 'first-mi-last': return `${p.given} ${p.middleInitial}. ${p.family}`;
    case 'last-first-mi': return `${p.family}, ${p.given} ${p.middleInitial}.`;
    case 'upper-last-first-mi': return `${p.family.toUpperCase()}, ${p.given.toUpperCase()} ${p.middleInitial}.`;
  }
}

export function formatProvider(p: Provider): string {
  return `Dr. ${p.given} ${p.family}, ${p.credential}`;
}

export function age(dob: CivilDate, on: CivilDate): number {
  const before = on.month < dob.month || (on.month === dob.month && on.day < dob.day);
  return on.year - dob.year - (before ? 1 : 0);
}

/** RFC 4180 quoting, only where a field needs it (names as "LAST, FIRST" do). */
export function csvField(value: string, delimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function delimited(rows: readonly (readonly string[])[], delimiter: string, eol = '\n'): string {
  return rows.map((r) => r.map((f) => csvField(f, delimiter)).join(delimiter)).join(eol) + eol;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Windows "Unicode" text: UTF-16 LE, optionally with the FF FE mark Notepad writes. */
export function encodeUtf16le(text: string, withBom: boolean): Uint8Array {
  const offset = withBom ? 2 : 0;
  const out = new Uint8Array(offset + text.length * 2);
  if (withBom) {
    out[0] = 0xff;
    out[1] = 0xfe;
  }
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[offset + i * 2] = unit & 0xff;
    out[offset + i * 2 + 1] = unit >>> 8;
  }
  return out;
}

export function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}
