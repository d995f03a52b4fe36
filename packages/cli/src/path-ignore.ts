// Apart from finding the file (ignore-file.ts): the rules library costs ~12 ms to load, and most runs have no
// ignore file.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/**
 * Paths to leave out of the report, in gitignore syntax, matched against each path relative to the root it was
 * found under. The file comes from the operator (`--ignore-file`, or `.phi-scanignore` in the working
 * directory), never from the scanned share: whoever owns the share could otherwise hide their files from it.
 */
export class PathIgnore {
  readonly #rules: Ignore;
  readonly #roots: string[];

  constructor(rules: string, roots: readonly string[]) {
    this.#rules = ignore().add(rules);
    // Longest root first, so a path under nested roots is taken relative to the nearest one.
    this.#roots = roots.map((root) => resolve(root)).sort((a, b) => b.length - a.length);
  }

  /** For the crawl: a path relative to its root, `/`-separated, a folder with a trailing `/`. */
  ignoresRelative(relativePath: string): boolean {
    try {
      return this.#rules.ignores(relativePath);
    } catch {
      // The rules library refuses some names outright (it throws on paths it deems not relative): scan them.
      return false;
    }
  }

  ignores(path: string): boolean {
    const outer = resolve(path.split('!', 1)[0]!);
    for (const root of this.#roots) {
      const inside = relative(root, outer);
      if (inside.startsWith('..') || isAbsolute(inside)) continue;
      // A root that is itself a file is matched by its name.
      const candidate = inside === '' ? outer.split(sep).pop()! : inside.split(sep).join('/');
      return this.#rules.ignores(candidate);
    }
    return false;
  }
}
