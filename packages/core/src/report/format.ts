/** Number formats shared by the text report and the progress line; fixed to en-US so reports diff cleanly. */

const countFormat = new Intl.NumberFormat('en-US');

export function formatCount(value: number): string {
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
