// Rough detection throughput on 1 MiB texts: node packages/detectors/bench/throughput.mjs (after pnpm build).
import { createEngine } from '../dist/index.js';
const engine = createEngine();
const prose = 'The quarterly report covers shipments, invoices 2024-03 and the new warehouse in Springfield. Order 55123 shipped on 3/14/2024; call 555-123-4567 for details.\n';
const clinical = 'Patient: John Smith DOB: 03/14/1962 MRN: 00123456 SSN 234-56-7891 Dx: E11.9 seen by Dr. Jane Doe. ';
function make(fill, dirtyEvery) {
  let s = ''; let i = 0;
  while (s.length < 1 << 20) { s += (dirtyEvery && i % dirtyEvery === 0) ? clinical : fill; i++; }
  return s;
}
for (const [label, text] of [['clean prose', make(prose, 0)], ['prose + 1% clinical lines', make(prose, 100)], ['numeric csv-ish', make('12, 3.5, 2024-01-01, A10, 884422119, foo bar baz\n', 0)]]) {
  engine.detect(text);
  const t = process.hrtime.bigint(); const runs = 5; let n = 0;
  for (let i = 0; i < runs; i++) n = engine.detect(text).length;
  const ms = Number(process.hrtime.bigint() - t) / 1e6 / runs;
  console.log(`${label}: ${ms.toFixed(1)} ms/MiB = ${(1000 / ms).toFixed(0)} MiB/s, findings ${n}`);
}
// many small segments (cells)
const cells = Array.from({ length: 100000 }, (_, i) => `value ${i}`);
let t = process.hrtime.bigint();
for (const c of cells) engine.detect(c, { columnHeader: 'Notes', minConfidence: 'low' });
console.log(`100k small cells: ${(Number(process.hrtime.bigint() - t) / 1e6).toFixed(0)} ms`);
