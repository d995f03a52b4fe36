import { InvalidArgumentError } from 'commander';

/** Option value parsers for commander: a bad value becomes commander's own usage error (exit 2). */

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i)?)?b?$/i;
const SIZE_POWERS: Record<string, number> = { k: 1, m: 2, g: 3, t: 4 };

/**
 * `10MB`, `512k`, `1GiB`, `4096`. Like disks and file managers, kB/MB/GB are decimal (1 MB = 1,000,000 bytes);
 * the IEC forms KiB/MiB/GiB are binary.
 */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim());
  if (!match) throw new InvalidArgumentError('expected a size such as 10MB, 512k, 1GiB or a number of bytes.');
  const [, number, unit, binary] = match;
  const base = binary ? 1024 : 1000;
  const bytes = Math.floor(Number(number) * base ** (unit ? SIZE_POWERS[unit.toLowerCase()]! : 0));
  if (bytes < 1) throw new InvalidArgumentError('the size must be at least 1 byte.');
  return bytes;
}

export function parseThreads(text: string): number {
  const threads = Number(text);
  if (!/^\d+$/.test(text.trim()) || threads < 1 || threads > 1024) {
    throw new InvalidArgumentError('expected a whole number of threads from 1 to 1024.');
  }
  return threads;
}

/** A worker heap limit in MiB; tiny limits are refused because a worker needs some heap just to load the extractors. */
export function parseMegabytes(text: string): number {
  const megabytes = Number(text);
  if (!/^\d+$/.test(text.trim()) || megabytes < 64 || megabytes > 65_536) {
    throw new InvalidArgumentError('expected a whole number of MiB from 64 to 65536.');
  }
  return megabytes;
}

/** Seconds (fractions allowed) to milliseconds. */
export function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(?:\.\d+)?$/.test(text.trim()) || seconds <= 0) {
    throw new InvalidArgumentError('expected a number of seconds greater than 0.');
  }
  return Math.round(seconds * 1000);
}

/** `--detectors ssn,npi --detectors mrn` → ['ssn', 'npi', 'mrn']. */
export function appendList(text: string, previous: string[] = []): string[] {
  const items = text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list of detector ids.');
  return [...previous, ...items];
}

/** For repeatable options: `--include a --include b` → ['a', 'b']. */
export function appendValue(text: string, previous: string[] = []): string[] {
  return [...previous, text];
}
