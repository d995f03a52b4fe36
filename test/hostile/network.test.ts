import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './run-cli.js';

/**
 * The runtime half of "no network" is the guard preload every CLI run in this suite carries (net, tls, dns,
 * http, fetch throw and are logged; each test checks the log is empty). This is the static half: phi-scan's
 * own code names no networking module at all, so a path the tests do not reach cannot open one either.
 */
const NETWORK_MODULES = /(?:from\s+|import\(\s*|require\(\s*)['"](?:node:)?(?:net|tls|dns|dgram|http|https|http2|undici)['"]/;
const NETWORK_GLOBALS = /\b(?:fetch|WebSocket|EventSource|XMLHttpRequest)\s*\(/;

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(ts|mts|js|mjs|cjs)$/.test(d.name) && !/\.test\.ts$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

describe('no network access', () => {
  for (const pkg of ['detectors', 'core', 'cli']) {
    it(`packages/${pkg}/src names no networking module or API`, () => {
      const offenders = sources(path.join(repo, 'packages', pkg, 'src')).filter((file) => {
        const text = fs.readFileSync(file, 'utf8');
        return NETWORK_MODULES.test(text) || NETWORK_GLOBALS.test(text);
      });
      expect(offenders.map((f) => path.relative(repo, f))).toEqual([]);
    });
  }
});
