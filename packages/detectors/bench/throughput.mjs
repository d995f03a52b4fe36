// Rough detection throughput: node packages/detectors/bench/throughput.mjs [rounds] (after pnpm build).
// CPU time of this process, median of the rounds: the machine is often shared, and wall time then says little.
// Each case first runs a few times unmeasured: the validators reach optimised code only after thousands of
// calls, and a scan of an archive runs warm after its first files.
// Real corpus files are used when the benchmark corpus is built (node benchmarks/src/run.mjs --quick or so).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../dist/index.js';

const engine = createEngine();
const rounds = Number(process.argv[2] ?? 5);
const WARM_UP = 8;
const prose = 'The quarterly report covers shipments, invoices 2024-03 and the new warehouse in Springfield. Order 55123 shipped on 3/14/2024; call 555-123-4567 for details.\n';
const clinical = 'Patient: John Smith DOB: 03/14/1962 MRN: 00123456 SSN 234-56-7891 Dx: E11.9 seen by Dr. Jane Doe. ';
function make(fill, dirtyEvery) {
  let s = ''; let i = 0;
  while (s.length < 1 << 20) { s += (dirtyEvery && i % dirtyEvery === 0) ? clinical : fill; i++; }
  return s;
}

/** A roster export read as plain text: four findings per line, the dense end of what a share holds. */
function roster(rows) {
  const lines = [];
  for (let i = 0; i < rows; i++) lines.push(`Patient: Mary Smith, DOB: 0${1 + (i % 9)}/1${i % 10}/19${50 + (i % 40)}, MRN: ${1000000 + i}, Phone: (217) 482-${1000 + (i % 9000)}`);
  return lines.join('\n');
}

/** Up to `count` 1 MiB corpus files: the first ones, or the first that carry a clinical note or roster. */
function corpusFiles(count, dirty) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../benchmarks/.corpus');
  const dirs = ['reduced/text-1mib', 'quick/text-1mib', 'text-1mib'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
  if (dirs.length === 0) return [];
  const texts = [];
  for (const sub of fs.readdirSync(dirs[0]).sort()) {
    for (const name of fs.readdirSync(path.join(dirs[0], sub)).sort()) {
      const text = fs.readFileSync(path.join(dirs[0], sub, name), 'utf8');
      if (!dirty || /\b(?:MRN|DOB|Patient)\b/.test(text)) texts.push(text);
      if (texts.length === count) return texts;
    }
  }
  return texts;
}

const cases = [
  ['clean prose', [make(prose, 0)]],
  ['prose + 1% clinical lines', [make(prose, 100)]],
  ['numeric csv-ish', [make('12, 3.5, 2024-01-01, A10, 884422119, foo bar baz\n', 0)]],
  ['roster text, a finding every 20 characters', [roster(6000)]],
  ['corpus, first 16 files', corpusFiles(16, false)],
  ['corpus, 8 files with PHI', corpusFiles(8, true)],
].filter(([, texts]) => texts.length > 0);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function cpuMs(fn) {
  const started = process.cpuUsage();
  fn();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

for (const [label, texts] of cases) {
  const mib = texts.reduce((sum, t) => sum + t.length, 0) / (1 << 20);
  let findings = 0;
  for (const t of texts) findings += engine.detect(t).length;
  for (let i = 0; i < WARM_UP; i++) for (const t of texts) engine.detect(t);
  const times = Array.from({ length: rounds }, () => cpuMs(() => { for (const t of texts) engine.detect(t); }) / mib);
  console.log(`${label}: ${median(times).toFixed(2)} ms/MiB CPU = ${(1000 / median(times)).toFixed(0)} MiB/s, findings ${findings}`);
}
// Many small segments (spreadsheet cells): each is its own detect call.
const cells = Array.from({ length: 100000 }, (_, i) => `value ${i}`);
const cellTimes = Array.from({ length: rounds }, () => cpuMs(() => { for (const c of cells) engine.detect(c, { columnHeader: 'Notes', minConfidence: 'low' }); }));
console.log(`100k small cells: ${median(cellTimes).toFixed(0)} ms CPU`);
// Cells that hold PHI under a header naming it: the column pattern runs, and each cell is a finding.
const headers = ['Patient Name', 'MRN', 'Phone', 'DOB'];
const rows = Array.from({ length: 25000 }, (_, i) => [`Mary Smith`, `${1000000 + i}`, `(217) 482-${1000 + (i % 9000)}`, `0${1 + (i % 9)}/1${i % 10}/1962`]);
const phiTimes = Array.from({ length: rounds }, () => cpuMs(() => { for (const row of rows) row.forEach((cell, j) => engine.detect(cell, { columnHeader: headers[j] })); }));
console.log(`100k PHI cells under their headers: ${median(phiTimes).toFixed(0)} ms CPU`);
