import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PathIgnore } from './path-ignore.js';
import { insideScannedRoot } from './operator-file.js';
import { UsageError } from './usage-error.js';

export const IGNORE_FILE_NAME = '.phi-scanignore';

export async function loadIgnoreFile(
  explicit: string | undefined,
  cwd: string,
  roots: readonly string[],
  warn: (line: string) => void = () => {},
): Promise<PathIgnore | undefined> {
  const path = explicit ? resolve(cwd, explicit) : join(cwd, IGNORE_FILE_NAME);
  if (!explicit && insideScannedRoot(path, roots)) {
    if (existsSync(path)) warn(`not using ${path}: it is inside the scanned share (name it with --ignore-file to use it)`);
    return undefined;
  }
  let rules: string;
  try {
    rules = await readFile(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the ignore file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
  }
  const { PathIgnore } = await import('./path-ignore.js');
  return new PathIgnore(rules, roots);
}
