// Prints misses (synthetic values only) to tune detectors: node src/debug.mjs [documents]
import { metrics, scoreCorpus } from './score.mjs';
const documents = Number(process.argv[2] ?? 120);
const r = await scoreCorpus({ documents, keepMisses: true, peer: process.argv.includes('--peer'), set: process.argv.includes('--stress') ? 'stress' : 'labelled' });
for (const [id, c] of Object.entries(r.ours).sort()) {
  const m = metrics(c);
  console.log(id.padEnd(16), m.precision.toFixed(3), m.recall.toFixed(3), c.labels, c.found);
}
console.log(r.files, r.records, r.seconds.toFixed(1) + 's');
const byKind = {};
for (const m of r.misses) (byKind[`${m.kind} ${m.detector}`] ??= []).push(`${m.file}: ${m.value}`);
for (const [k, list] of Object.entries(byKind)) console.log(`\n== ${k} (${list.length})\n  ` + list.slice(0, 8).join('\n  '));
if (r.peer) for (const [id, c] of Object.entries(r.peer.counts).sort()) { const m = metrics(c); console.log('peer', id.padEnd(14), m.precision.toFixed(3), m.recall.toFixed(3)); }
