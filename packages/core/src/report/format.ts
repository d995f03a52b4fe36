/** Number formats shared by the text report and the progress line; fixed to en-US so reports diff cleanly. */

/**
 * Built on first need: the first Intl.NumberFormat costs 15-40 ms of ICU start-up, a run that writes no
 * text (a jsonl scan with --quiet) never needs it, and counts are whole numbers grouped by hand.
 */
let countFormat: Intl.NumberFormat | undefined;

export function formatCount(value: number): string {
  if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
    const digits = String(Math.abs(value));
    let grouped = digits.slice(0, digits.length % 3 || 3);
    for (let at = grouped.length; at < digits.length; at += 3) grouped += ',' + digits.slice(at, at + 3);
    return value < 0 ? '-' + grouped : grouped;
  }
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(value);
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal units (1 MB = 1,000,000 bytes), as disks and file managers show them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${BYTE_UNITS[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Colour only for a terminal; NO_COLOR (https://no-color.org) wins when set to anything non-empty. */
export function colorWanted(out: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const isTTY = (out as { isTTY?: boolean }).isTTY === true;
  return isTTY && !env.NO_COLOR;
}
