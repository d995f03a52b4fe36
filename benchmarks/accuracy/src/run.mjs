// node src/run.mjs [--documents N] [--seed S] [--no-peer] [--json] [--readme FILE]
// Prints the accuracy table; with --readme, rewrites the section between the accuracy markers of FILE.
import { readFile, writeFile } from 'node:fs/promises';
import { metrics, scoreCorpus, TARGETS } from './score.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const documents = Number(option('--documents', '520'));
const seed = option('--seed', 'phi-scan accuracy v1');
const readme = option('--readme', undefined);

const stressDocuments = Number(option('--stress-documents', '120'));
const peer = !args.includes('--no-peer');
const result = await scoreCorpus({ seed, documents, peer });
const stress = stressDocuments > 0 ? await scoreCorpus({ seed, documents: stressDocuments, peer, set: 'stress' }) : undefined;
if (args.includes('--json')) {
  console.log(JSON.stringify({ labelled: { ...result, misses: undefined }, stress: stress && { ...stress, misses: undefined } }, null, 2));
  process.exit(0);
}

const f = (x) => (x === undefined ? '–' : x.toFixed(3));
const pct = (a, b) => `${a}/${b} (${((100 * a) / Math.max(1, b)).toFixed(1)} %)`;

function renderStress(r) {
  const ids = Object.keys(r.ours).sort();
  const lines = [
    `Stress set: ${r.documents} documents of free prose, email, OCR-like lower-case text and exports with unusual headers, where identifiers mostly have no label (seed \`${r.seed}\`). No targets: it shows where pattern detection runs out.`,
    '',
    '| detector | phi-scan P | R | peer P | R | labels |',
    '|---|---|---|---|---|---|',
  ];
  for (const id of ids) {
    const ours = metrics(r.ours[id]);
    const peer = metrics(r.peer?.counts[id]);
    lines.push(`| \`${id}\` | ${f(ours.precision)} | ${f(ours.recall)} | ${f(peer?.precision)} | ${f(peer?.recall)} | ${ours.labels} |`);
  }
  lines.push('', `Files with PHI flagged: phi-scan ${pct(r.files.phiFlagged, r.files.phi)}${r.peer ? `, peer ${pct(r.files.peerPhiFlagged, r.files.phi)}` : ''}.`);
  return lines.join('\n');
}

/** Recall and precision per file format, over every scored detector (micro-averaged: each label and found value counts once). */
export function renderFormats(r) {
  const names = Object.keys(r.byFormat).sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }));
  const lines = [
    'Per file format (every scored detector pooled; an archive or a mail is one document, its members scored with it: `scan()` reports each member, `outer.zip!inner.csv`, as a result of its own):',
    '',
    '| format | documents | labels | recall | precision | files with PHI flagged | clean files flagged |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const name of names) {
    const fmt = r.byFormat[name];
    const m = metrics(fmt.total);
    const clean = fmt.clean === 0 ? '–' : `${fmt.cleanFlagged}/${fmt.clean}`;
    lines.push(`| ${name} | ${fmt.documents} | ${fmt.total.labels} | ${f(m.recall)} | ${f(m.precision)} | ${fmt.phi === 0 ? '–' : `${fmt.phiFlagged}/${fmt.phi}`} | ${clean} |`);
  }
  return lines.join('\n');
}

export function renderTable(r) {
  const ids = Object.keys(r.ours).sort((a, b) => (TARGETS[b] !== undefined) - (TARGETS[a] !== undefined) || a.localeCompare(b));
  const peerName = r.peer?.name ?? 'peer';
  const lines = [
    `Corpus: ${r.documents} synthetic documents (seed \`${r.seed}\`; ${r.formats.join(' ')}), ${r.files.phi} with PHI and ${r.files.clean} clean files of hard negatives. Default settings (\`--min-confidence medium\`). Peer: \`${peerName}\` on the same text, its types mapped onto our ids (types with no counterpart left out).`,
    '',
    `| detector | target | phi-scan P | R | F1 | peer P | R | F1 | labels |`,
    `|---|---|---|---|---|---|---|---|---|`,
  ];
  for (const id of ids) {
    const ours = metrics(r.ours[id]);
    const peer = metrics(r.peer?.counts[id]);
    const target = TARGETS[id];
    const met = target === undefined ? '' : ours.precision >= target && ours.recall >= target ? ' ✓' : ' ✗';
    lines.push(`| \`${id}\` | ${target === undefined ? '–' : `≥ ${target}${met}`} | ${f(ours.precision)} | ${f(ours.recall)} | ${f(ours.f1)} | ${f(peer?.precision)} | ${f(peer?.recall)} | ${f(peer?.f1)} | ${ours.labels} |`);
  }
  lines.push(
    '',
    `| files | phi-scan | peer |`,
    `|---|---|---|`,
    `| files with PHI flagged | ${pct(r.files.phiFlagged, r.files.phi)} | ${r.peer ? pct(r.files.peerPhiFlagged, r.files.phi) : '–'} |`,
    `| clean files flagged | ${pct(r.files.cleanFlagged, r.files.clean)} | ${r.peer ? pct(r.files.peerCleanFlagged, r.files.clean) : '–'} |`,
    `| patient-record count exact | ${(100 * r.records.exact).toFixed(1)} % of PHI files (mean abs. error ${r.records.meanAbsoluteError.toFixed(3)}) | no record model |`,
    '',
    renderFormats(r),
  );
  return lines.join('\n');
}

const table = renderTable(result) + (stress ? `\n\n${renderStress(stress)}` : '');
console.log(table);
console.error(`scored in ${(result.seconds + (stress?.seconds ?? 0)).toFixed(1)} s`);

if (readme) {
  const START = '<!-- accuracy:start -->';
  const END = '<!-- accuracy:end -->';
  const text = await readFile(readme, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${readme} has no ${START} … ${END} section`);
  const regenerated = `${START}\n<!-- generated by \`pnpm --filter @phi-scan/accuracy run report\`; do not edit by hand -->\n\n${table}\n\n${text.slice(to)}`;
  await writeFile(readme, text.slice(0, from) + regenerated);
  console.error(`updated ${readme}`);
}
