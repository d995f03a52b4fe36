import { describe, expect, it } from 'vitest';
import { ScanStats } from './stats.js';
import type { FileResult } from './types.js';

function result(format: string, bytes: number, timings?: FileResult['timings']): FileResult {
  return { type: 'file', path: `/share/f.${format}`, status: 'scanned', format, bytes, findings: [], records: 0, ...(timings ? { timings } : {}) };
}

describe('ScanStats', () => {
  it('sums worker stages per format and names every stage', () => {
    const stats = new ScanStats();
    stats.add(result('pdf', 2_000_000, { readMs: 10, extractMs: 900, detectMs: 40 }));
    stats.add(result('pdf', 1_000_000, { readMs: 5, extractMs: 600, detectMs: 20 }));
    stats.add(result('text', 500_000, { readMs: 2, extractMs: 3, detectMs: 50 }));
    stats.add(result('docx', 10)); // a crawl verdict carries no timings: counted, not timed
    stats.crawlMs = 120;
    stats.reportMs = 30;
    const text = stats.format(1000, 2);
    expect(text).toMatch(/1\.00 s wall, 2 worker thread\(s\)/);
    expect(text).toMatch(/crawl .*0\.12 s/);
    expect(text).toMatch(/read .*0\.02 s .* 4 files, 3\.5 MB/);
    expect(text).toMatch(/extract pdf .*1\.50 s .*2 files, 3\.0 MB/);
    expect(text).toMatch(/extract text .*0\.00 s/);
    expect(text).toMatch(/detect .*0\.11 s/);
    expect(text).toMatch(/report \(main thread\) .*0\.03 s/);
    // The slowest format comes first: that is where to look.
    expect(text.indexOf('extract pdf')).toBeLessThan(text.indexOf('extract text'));
  });
});
