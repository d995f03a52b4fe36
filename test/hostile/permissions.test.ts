import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHI_LINE, PLANTED } from './cases.js';
import { parseJsonl, removeTree, runCli, tempDir, type CliRun } from './run-cli.js';

/**
 * CI runs as root, and root reads everything, so the scan runs as nobody (setpriv) on a tree nobody can
 * read except the parts locked on purpose.
 */
const setpriv = spawnSync('setpriv', ['--version']).status === 0 ? 'setpriv' : undefined;
const canDrop = setpriv !== undefined && process.getuid?.() === 0;
if (!canDrop) console.warn('permissions.test: skipped (needs root and setpriv to run the scan as nobody)');

let dir: string;
let run: CliRun;
let lines: any[];

beforeAll(() => {
  if (!canDrop) return;
  dir = tempDir('perm');
  fs.chmodSync(dir, 0o755);
  const at = (rel: string) => path.join(dir, rel);
  fs.writeFileSync(at('readable.txt'), `${PHI_LINE}\n`, { mode: 0o644 });
  fs.writeFileSync(at('secret.txt'), `${PHI_LINE}\n`, { mode: 0o600 });
  fs.mkdirSync(at('locked'), { mode: 0o700 });
  fs.writeFileSync(at('locked/inside.txt'), `${PHI_LINE}\n`);
  // Listable but not searchable: the names show, but no file under it can be opened.
  fs.mkdirSync(at('no-search'), { mode: 0o755 });
  fs.writeFileSync(at('no-search/listed.txt'), `${PHI_LINE}\n`, { mode: 0o644 });
  fs.chmodSync(at('no-search'), 0o744);
  fs.mkdirSync(at('open'), { mode: 0o755 });
  fs.writeFileSync(at('open/also-readable.txt'), `${PHI_LINE}\n`, { mode: 0o644 });
  run = runCli(['scan', dir, '--format', 'jsonl', '--threads', '1', '--debug'], { prefix: [setpriv!, '--reuid=65534', '--regid=65534', '--clear-groups'], cwd: '/tmp' });
  lines = parseJsonl(run.stdout);
}, 120_000);

afterAll(() => dir && removeTree(dir));

const line = (rel: string) => lines.find((l) => l.type === 'file' && l.path === path.join(dir, rel));

describe.skipIf(!canDrop)('unreadable files and folders (scan as nobody)', () => {
  it('completes, and reads what nobody may read', () => {
    expect(run.stderr).not.toMatch(/error:/);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', complete: true });
    expect(line('readable.txt')).toMatchObject({ status: 'scanned' });
    expect(line('open/also-readable.txt')).toMatchObject({ status: 'scanned' });
  });

  it('a file it may not open: permission-denied', () => {
    expect(line('secret.txt')).toMatchObject({ status: 'error', reason: 'permission-denied' });
  });

  it('a folder it may not list: reported itself as permission-denied, and the walk goes on', () => {
    expect(line('locked')).toMatchObject({ status: 'error', reason: 'permission-denied' });
  });

  it('a folder it may list but not enter: each name listed is reported, as permission-denied', () => {
    expect(line('no-search/listed.txt')).toMatchObject({ status: 'error', reason: 'permission-denied' });
  });

  it('the summary adds up, and nothing planted reaches stderr even with --debug', () => {
    const s = lines.at(-1);
    expect(s.filesSeen).toBe(lines.filter((l) => l.type === 'file').length);
    expect(s.failedByReason['permission-denied']).toBe(3);
    for (const value of Object.values(PLANTED)) expect(run.stderr).not.toContain(value);
    expect(run.network).toEqual([]);
  });
});
