import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PHI_LINE } from './cases.js';
import { parseJsonl, removeTree, startCli, tempDir } from './run-cli.js';

/**
 * Ctrl-C and kill on a scan writing --output. The tree holds thousands of files and two that hang their
 * worker (guard.cjs), so the scan is certainly still running when the signal comes.
 */
let dir: string;

beforeAll(() => {
  dir = tempDir('interrupt');
  const share = path.join(dir, 'share');
  for (let d = 0; d < 20; d++) {
    fs.mkdirSync(path.join(share, `dept-${d}`), { recursive: true });
    for (let f = 0; f < 150; f++) fs.writeFileSync(path.join(share, `dept-${d}`, `note-${f}.txt`), `Visit ${d}-${f}\n${PHI_LINE}\n`);
  }
  fs.writeFileSync(path.join(share, 'dept-0', 'a.fault-hang'), 'x');
  fs.writeFileSync(path.join(share, 'dept-1', 'b.fault-hang'), 'x');
});

afterAll(() => removeTree(dir));

const temporaries = (out: string) => fs.readdirSync(path.dirname(out)).filter((n) => n.startsWith(`.${path.basename(out)}.`));

/** Starts a scan into `out`, waits until its temporary report has content, then sends `signal`. */
async function interruptedScan(out: string, signal: NodeJS.Signals) {
  const child = startCli(['scan', path.join(dir, 'share'), '--format', 'jsonl', '-o', out, '--threads', '2', '--timeout', '120'], dir);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? -1 : null))));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const tmp = temporaries(out)[0];
    if (tmp && fs.statSync(path.join(path.dirname(out), tmp)).size > 2000) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const sentAt = Date.now();
  child.kill(signal);
  const code = await exited;
  return { code, stderr, stoppedInMs: Date.now() - sentAt };
}

describe('interrupting a scan', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: stops promptly, exit 2, the partial report written atomically and marked incomplete`, async () => {
      const out = path.join(dir, `${signal}.jsonl`);
      const { code, stderr, stoppedInMs } = await interruptedScan(out, signal);
      expect(code).toBe(2);
      expect(stoppedInMs).toBeLessThan(30_000);
      expect(stderr).toContain(`interrupted by ${signal}`);
      const lines = parseJsonl(fs.readFileSync(out, 'utf8'));
      const summary = lines.at(-1);
      expect(summary).toMatchObject({ type: 'summary', complete: false });
      const files = lines.slice(0, -1);
      expect(files.every((l) => l.type === 'file')).toBe(true);
      expect(files.length).toBeGreaterThan(0);
      expect(files.length).toBeLessThan(3002);
      expect(summary.filesSeen).toBe(files.length);
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      expect(temporaries(out)).toEqual([]);
    }, 120_000);
  }

  it('SIGKILL: no half-written report replaces the previous one', async () => {
    const out = path.join(dir, 'killed.jsonl');
    fs.writeFileSync(out, 'previous complete report\n');
    const { code } = await interruptedScan(out, 'SIGKILL');
    expect(code).toBe(-1);
    expect(fs.readFileSync(out, 'utf8')).toBe('previous complete report\n');
  }, 120_000);
});
