// Builds each published package's JavaScript: one ES module per entry point (and per lazily imported part),
// bundled from the TypeScript sources by rolldown, into the package's dist/ beside the declarations `tsc -b`
// writes there. Why bundle: a scan's start-up is a critical path of the main thread's module graph, then each
// worker's. Node resolves, reads and links every file of a graph on its own, ~100 small files per worker here,
// and one bundled graph loads ~25 ms sooner on each side (measured with hyperfine on the worker's and the
// library's imports).
//
// Dependencies stay external: they are installed beside the package and load as they would for any user, and
// @phi-scan/detectors stays one module shared by whoever imports it, not a copy inside core.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Files loaded by their path rather than imported, so no export names them: piscina starts each worker
 * from core's dist/worker.js (see dispatch.ts).
 */
const LOADED_BY_PATH = { core: ['worker'] };

for (const name of ['detectors', 'core', 'cli']) await bundle(name);

async function bundle(name) {
  const root = path.join(repo, 'packages', name);
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const entries = [...entryPointsOf(manifest), ...(LOADED_BY_PATH[name] ?? [])];
  const input = Object.fromEntries(entries.map((entry) => [entry, path.join(root, 'src', `${entry}.ts`)]));
  const build = await rolldown({
    input,
    platform: 'node',
    // Bare specifiers are packages (and node: built-ins); only the package's own files go in.
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    transform: { target: 'node20' },
    tsconfig: path.join(root, 'tsconfig.json'),
    // core's index exports every reporter for library users, while the CLI opens the one it needs by a
    // dynamic import: the import is then not a split point, which is known and fine.
    checks: { ineffectiveDynamicImport: false },
  });
  const dist = path.join(root, 'dist');
  removeOldJavaScript(dist);
  // Shared and lazily imported parts sit at dist/'s top level, where the code that uses import.meta.url
  // (worker.js beside dispatch's code, ../package.json from the CLI's version) expects to be. Code reached only
  // from a nested entry (report/reporter) would be inlined one folder down instead: none of that uses a path.
  await build.write({ dir: dist, format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name].js', sourcemap: true });
  await build.close();
}

/** `./dist/x/y.js` of every export and bin of the manifest, as `x/y`. */
function entryPointsOf(manifest) {
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  const entries = targets.filter((target) => target.endsWith('.js')).map((target) => target.replace(/^\.\/dist\//, '').replace(/\.js$/, ''));
  return [...new Set(entries)];
}

/** An earlier build's modules and maps (the declarations stay: they are tsc's). */
function removeOldJavaScript(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.js(\.map)?$/.test(entry.name)) fs.rmSync(path.join(entry.parentPath, entry.name));
  }
}
