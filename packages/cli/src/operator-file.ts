import { realpathSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';

/**
 * Whether a file found by its default name (not named by the operator) sits inside a scanned root. Run from
 * inside the share (`cd /mnt/share && phi-scan .`), the working directory is the share, and a config or ignore
 * file there was put by whoever owns the share, who may be the one being audited: such a file is not used
 * unless the operator names it (`--config`, `--ignore-file`).
 */
export function insideScannedRoot(file: string, roots: readonly string[]): boolean {
  const target = real(file);
  return roots.some((root) => {
    const inside = relative(real(root), target);
    return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
  });
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}
