import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ScanProgress } from '../scan-types.js';
import { ProgressLine, progressText } from './progress.js';

const PROGRESS: ScanProgress = { type: 'progress', filesSeen: 2000, filesDone: 1500, bytesDone: 30_000_000, filesWithFindings: 12, elapsedMs: 10_000 };

function terminal(columns?: number) {
  const writes: string[] = [];
  const out = Object.assign(new Writable({ write: (chunk, _encoding, done) => (writes.push(String(chunk)), done()) }), { columns, isTTY: true });
  return { out, writes };
}

describe('progress line', () => {
  it('shows files, bytes, files with PHI and both rates', () => {
    expect(progressText(PROGRESS)).toBe('phi-scan: 1,500/2,000 files, 30.0 MB, 12 with PHI, 150 files/s, 3.0 MB/s');
  });

  it('redraws in place at most once per interval and clears at the end', async () => {
    const { out, writes } = terminal();
    let now = 0;
    const line = new ProgressLine(out, { intervalMs: 100, now: () => now });
    line.update(PROGRESS);
    now = 50;
    line.update(PROGRESS);
    now = 150;
    line.update(PROGRESS);
    line.clear();
    line.clear();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(3);
    expect(writes[0]).toMatch(/^\r\u001b\[2Kphi-scan: /);
    expect(writes[2]).toBe('\r\u001b[2K');
  });

  it('never wraps on a narrow terminal', () => {
    const { out, writes } = terminal(30);
    new ProgressLine(out).update(PROGRESS);
    expect(writes[0]!.replace('\r\u001b[2K', '').length).toBeLessThan(30);
  });
});
