#!/usr/bin/env node
// Micro-benchmark of the screen's factor finder (packages/detectors/src/engine/screen/find.ts) against the
// RE2.Set pass it lets the engine skip, side by side in one run, on 32 KiB ranges of text-1mib/d00.
// Usage: pnpm build && node benchmarks/src/factor-finder.mjs [files=40] [rounds=5]
import { readdirSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'packages', 'detectors', 'dist');
// The detectors' own RE2, the one the engine's set runs on.
const RE2 = createRequire(join(root, 'packages', 'detectors', 'package.json'))('re2');
const { FactorFinder } = await import(join(dist, 'engine', 'screen', 'find.js'));
const { byteSet } = await import(join(dist, 'engine', 'screen', 'factor.js'));
const { BUILTIN_DETECTORS } = await import(join(dist, 'index.js'));
const { keywordGate } = await import(join(dist, 'engine', 'compile.js'));

const fileCount = Number(process.argv[2] ?? 40);
const rounds = Number(process.argv[3] ?? 5);
const RANGE = 32 * 1024;
const corpusDir = join(root, 'benchmarks', '.corpus', 'text-1mib', 'd00');
const files = readdirSync(corpusDir).sort().slice(0, fileCount).map((f) => readFileSync(join(corpusDir, f)));
const bytes = files.reduce((n, f) => n + f.length, 0);

function seeded(seed) {
  let state = seed >>> 0 || 1;
  return (n) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
}

/** 3-6 positions of digits, case-folded letters and a little punctuation, like the patterns' literal parts. */
function realisticFactors(count, seed) {
  const rand = seeded(seed);
  const digits = byteSet(Array.from({ length: 10 }, (_, k) => 0x30 + k));
  return Array.from({ length: count }, () => ({
    bytes: Array.from({ length: 3 + rand(4) }, () => {
      const kind = rand(10);
      if (kind < 4) return digits;
      if (kind < 8) {
        const letter = 0x61 + rand(26);
        return byteSet([letter, letter - 32]);
      }
      return byteSet(['-:#/@.'.charCodeAt(rand(6))]);
    }),
    lead: 0,
    trail: 0,
  }));
}

const setSources = BUILTIN_DETECTORS.flatMap((d) => [
  ...d.patterns.filter((p) => (p.scope ?? 'text') === 'text').map((p) => p.re2),
  ...(d.keywords.length > 0 ? [keywordGate(d.keywords)] : []),
]);

const cases = [
  ['random 50', realisticFactors(50, 1)],
  ['random 150', realisticFactors(150, 2)],
];
try {
  const { requiredFactors } = await import(join(dist, 'engine', 'screen', 'extract.js'));
  const real = setSources.flatMap((s) => requiredFactors(s) ?? []);
  cases.push([`real ${real.length} (of ${setSources.length} set sources)`, real]);
} catch (error) {
  console.log(`(no real factors: ${error.code ?? error.message})`);
}

function time(run) {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = run();
  const cpu = process.cpuUsage(start);
  return { cpuNs: (cpu.user + cpu.system) * 1000, wallNs: Number(process.hrtime.bigint() - t0), out };
}

const measures = cases.map(([name, factors]) => {
  const finder = FactorFinder.create(factors);
  return {
    name,
    run: () => {
      let found = 0;
      for (const file of files) {
        for (let at = 0; at < file.length; at += RANGE) {
          const length = Math.min(RANGE, file.length - at);
          const input = finder.input(length);
          file.copy(input, 0, at, at + length);
          found += finder.find(0, length).length;
        }
      }
      return found;
    },
  };
});
const set = new RE2.Set(setSources);
measures.push({
  name: `RE2.Set of ${setSources.length}`,
  run: () => {
    let matched = 0;
    for (const file of files) for (let at = 0; at < file.length; at += RANGE) matched += set.match(file.subarray(at, at + RANGE)).length;
    return matched;
  },
});

console.log(`${files.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${RANGE / 1024} KiB ranges, best of ${rounds} rounds (CPU ns/B; wall ns/B; found or matched per run)`);
for (const m of measures) m.run(); // warm-up
const best = measures.map(() => ({ cpu: Infinity, wall: Infinity, out: 0 }));
for (let r = 0; r < rounds; r++) {
  measures.forEach((m, i) => {
    const t = time(m.run);
    best[i].cpu = Math.min(best[i].cpu, t.cpuNs / bytes);
    best[i].wall = Math.min(best[i].wall, t.wallNs / bytes);
    best[i].out = t.out;
  });
}
measures.forEach((m, i) => console.log(`${m.name.padEnd(40)} ${best[i].cpu.toFixed(3)} ns/B cpu  ${best[i].wall.toFixed(3)} ns/B wall  ${best[i].out}`));
