#!/usr/bin/env node
// Writes examples/share (the fake clinic share the README's demo scans) and examples/expected.json (what a
// correct scan reports for each file; kept outside the share so it is never scanned itself).
// Needs `pnpm build` first: it imports the compiled synth package. Deterministic: same bytes every run.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildExampleShare, makeDocx, makePdf, makeXlsx } from '../test/synth/dist/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Indented JSON with short arrays on one line, so a reviewer reads one file's promise in a few lines. */
function readableJson(value) {
  return JSON.stringify(value, null, 2).replace(/\[\s*([^\[\]{}]*?)\s*\]/g, (_, items) =>
    `[${items.split(/,\s*/).filter(Boolean).join(', ')}]`);
}

/** Writes the share into `examplesDir/share` and the manifest beside it; returns the manifest. */
export async function writeExampleShare(examplesDir = join(repoRoot, 'examples')) {
  const { files, manifest } = await buildExampleShare({ makeDocx, makeXlsx, makePdf });
  const shareDir = join(examplesDir, 'share');
  // Start empty so a file dropped from the generator does not linger in the committed share.
  await rm(shareDir, { recursive: true, force: true });
  for (const [path, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const target = join(shareDir, ...path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  const sortedFiles = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFile(join(examplesDir, 'expected.json'), readableJson({ ...manifest, files: sortedFiles }) + '\n');
  return manifest;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const manifest = await writeExampleShare();
  const paths = Object.keys(manifest.files);
  const members = paths.filter((p) => p.includes('!')).length;
  console.log(`examples/share: ${paths.length - members} files (+ ${members} archive and mail members), ` +
    `${manifest.distinctPatients} distinct synthetic patients; manifest in examples/expected.json`);
}
