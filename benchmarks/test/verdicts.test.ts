// The targets' verdicts are judged on unrounded ratios: the table rounds rates to three digits, and a ratio of
// rounded rates can reach a target that the measured one falls short of.
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM scripts without type declarations
import { formatVerdicts, verdicts } from '../src/run.mjs';

interface Rates {
  mbPerSec: number;
  filesPerSec: number;
}

const sig = (n: number) => Number(n.toPrecision(3));

/** A warm row as runBenchmarks makes it: rates shown to three digits, the exact ones beside them. */
function row(set: string, tool: string, threads: number, exact: Rates & { ratio?: number }, shownRatio?: number, peakRssMb = 100) {
  return {
    set,
    tool,
    threads,
    cache: 'warm',
    mbPerSec: sig(exact.mbPerSec),
    filesPerSec: sig(exact.filesPerSec),
    peakRssMb,
    ratio: shownRatio ?? (exact.ratio === undefined ? null : sig(exact.ratio)),
    exact: { ...exact, ratio: exact.ratio ?? null, pastStartup: null, ratioPastStartup: null },
  };
}

describe('verdicts', () => {
  it('judge a target on the measured ratio, where a ratio of the rounded rates reaches it', () => {
    // 18,484 files/s against 37,037: the table shows 18,500 / 37,000 = 0.5; the measured ratio is 0.4991.
    const rows = [
      // Shown as the table used to show it, from the rounded rates: the verdict must not take it from there.
      row('text-10kib', 'phi-scan', 2, { mbPerSec: 189.3, filesPerSec: 18484, ratio: 18484 / 37037 }, 0.5),
      row('text-10kib', 'ripgrep', 2, { mbPerSec: 379.3, filesPerSec: 37037 }),
      row('text-10kib', 'phi-scan', 1, { mbPerSec: 151.2, filesPerSec: 14770, ratio: 14770 / 19700 }),
      row('text-10kib', 'ripgrep', 1, { mbPerSec: 201.7, filesPerSec: 19700 }),
    ];
    // What a ratio of the shown rates would say.
    expect(sig(rows[0]!.filesPerSec / rows[1]!.filesPerSec)).toBe(0.5);
    const found = verdicts(rows, 2);
    const atTwo = found.find((v: { target: string }) => v.target.startsWith('text-10kib: ≥ 0.5× ripgrep filesPerSec at 2'));
    expect(atTwo).toMatchObject({ met: false, value: 0.499 });
    expect(found.find((v: { target: string }) => v.target.includes('at 1 thread'))).toMatchObject({ met: true, value: 0.75 });
    expect(formatVerdicts(found)).toContain('- NOT MET: text-10kib: ≥ 0.5× ripgrep filesPerSec at 2 thread(s) (0.499)');
  });

  it('judge scaling on the unrounded rates, shown with as many digits as keep it short of the target', () => {
    // 1.69996× measured; the shown rates 680 / 400 would give 1.7, and so would four digits of the ratio.
    const rows = [row('text-1mib', 'phi-scan', 2, { mbPerSec: 679.984, filesPerSec: 648 }), row('text-1mib', 'phi-scan', 1, { mbPerSec: 400.0, filesPerSec: 381 })];
    expect(rows[0]!.mbPerSec / rows[1]!.mbPerSec).toBe(1.7);
    expect(verdicts(rows, 2).find((v: { target: string }) => v.target.includes('threads ≥ 1.7×'))).toMatchObject({ met: false, value: 1.69996 });
  });
});
