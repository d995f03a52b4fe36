/** Calendar rules for dates of birth; parsing is plain code on an already matched short string. */

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** RE2 source for the date forms a DOB is written in (no anchors, no groups that capture). */
export const DATE_FORMS_RE2 = [
  '[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})',
  '(?:19|20)[0-9]{2}[/.-][0-9]{1,2}[/.-][0-9]{1,2}',
  '(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[A-Za-z]{0,6}\\.?[ ]+[0-9]{1,2}(?i:st|nd|rd|th)?,?[ ]+[0-9]{4}',
  '[0-9]{1,2}[ -](?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[A-Za-z]{0,6}\\.?[ ,-]+(?:[0-9]{4}|[0-9]{2})',
  '(?:19|20)[0-9]{6}',
].join('|');

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function isRealDate({ year, month, day }: CalendarDate): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

export function toIsoDate({ year, month, day }: CalendarDate): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A two-digit year takes the century that puts the date in the past. */
export function expandTwoDigitYear(yy: number, month: number, day: number, today: Date): number {
  const candidate = 2000 + yy;
  const iso = toIsoDate({ year: candidate, month, day });
  return iso <= today.toISOString().slice(0, 10) ? candidate : 1900 + yy;
}

/** A plausible birth date: a real date, not after `today`, at most 120 years before it. */
export function isPlausibleBirthDate(date: CalendarDate, today: Date): boolean {
  if (!isRealDate(date)) return false;
  const iso = toIsoDate(date);
  const todayIso = today.toISOString().slice(0, 10);
  const oldest = `${String(today.getUTCFullYear() - 120).padStart(4, '0')}${todayIso.slice(4)}`;
  return iso <= todayIso && iso >= oldest;
}

function isAsciiLetter(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

type Token = { kind: 'number'; text: string } | { kind: 'month'; month: number };

function tokenize(value: string): Token[] | null {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch >= '0' && ch <= '9') {
      let j = i;
      while (j < value.length && value[j]! >= '0' && value[j]! <= '9') j++;
      tokens.push({ kind: 'number', text: value.slice(i, j) });
      // Ordinal suffixes ('14th') belong to the number.
      i = j;
      const suffix = value.slice(i, i + 2).toLowerCase();
      if (suffix === 'st' || suffix === 'nd' || suffix === 'rd' || suffix === 'th') i += 2;
    } else if (isAsciiLetter(ch)) {
      let j = i;
      while (j < value.length && isAsciiLetter(value[j]!)) j++;
      const month = MONTHS.indexOf(value.slice(i, i + 3).toLowerCase());
      if (month < 0) return null;
      tokens.push({ kind: 'month', month: month + 1 });
      i = j;
    } else {
      i++;
    }
  }
  return tokens;
}

/**
 * Reads a date in one of DATE_FORMS_RE2's forms. Numeric dates are read month first (US), falling back to
 * day first when the first part cannot be a month.
 */
export function parseDate(value: string, today: Date): CalendarDate | null {
  const tokens = tokenize(value);
  if (!tokens) return null;
  const year = (text: string, month: number, day: number): number =>
    text.length === 2 ? expandTwoDigitYear(Number(text), month, day, today) : Number(text);

  const only = tokens.length === 1 ? tokens[0] : undefined;
  if (only?.kind === 'number' && only.text.length === 8) {
    const t = only.text;
    return { year: Number(t.slice(0, 4)), month: Number(t.slice(4, 6)), day: Number(t.slice(6, 8)) };
  }
  if (tokens.length !== 3) return null;
  const [a, b, c] = tokens as [Token, Token, Token];
  if (a.kind === 'month' && b.kind === 'number' && c.kind === 'number') {
    const day = Number(b.text);
    return { year: year(c.text, a.month, day), month: a.month, day };
  }
  if (a.kind === 'number' && b.kind === 'month' && c.kind === 'number') {
    const day = Number(a.text);
    return { year: year(c.text, b.month, day), month: b.month, day };
  }
  if (a.kind !== 'number' || b.kind !== 'number' || c.kind !== 'number') return null;
  if (a.text.length === 4) return { year: Number(a.text), month: Number(b.text), day: Number(c.text) };
  if (c.text.length !== 4 && c.text.length !== 2) return null;
  let month = Number(a.text);
  let day = Number(b.text);
  if (month > 12 && day <= 12) [month, day] = [day, month];
  return { year: year(c.text, month, day), month, day };
}
