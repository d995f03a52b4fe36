// One command for the whole suite: builds (or reuses) the seeded corpus, runs phi-scan and each baseline over
// every set in the same run, and prints one table with MB/s, files/s, pages/s, peak RSS and the ratios.
//   pnpm --filter @phi-scan/benchmarks run bench            full sizes (see corpus.mjs)
//   pnpm --filter @phi-scan/benchmarks run bench -- --quick  a smoke-sized run
// Flags: --threads N (default: cores), --rounds N (best of N, tools alternating), --dir DIR, --sets a,b,
// --no-cold, --json FILE, --md FILE.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ROOT, DEFAULT_CORPUS_DIR, ensureCorpus, FULL_SIZES, QUICK_SIZES, sizesFromEnv } from './corpus.mjs';
import { accountedCommand, cgroupAccountingAvailable } from './cpu-cgroup.mjs';
import { listFiles } from './files.mjs';
import { coldCacheMethod, describeColdMethod, makeCold } from './page-cache.mjs';
import { writePatternFile } from './patterns.mjs';

const REPO_ROOT = path.dirname(BENCH_ROOT);
const CLI = path.join(REPO_ROOT, 'packages', 'cli', 'dist', 'bin.js');
const NODE_BASELINE = path.join(BENCH_ROOT, 'src', 'node-baseline.mjs');

/**
 * The sets, the metric each is judged by and its baseline. `primary` is the rate the targets compare;
 * `target` is the ratio to the baseline at the same thread count.
 */
export const SETS = [
  { id: 'text-1mib', dir: 'text-1mib', primary: 'mbPerSec', baseline: 'ripgrep', target: 0.5 },
  { id: 'text-10kib', dir: 'text-10kib', primary: 'filesPerSec', baseline: 'ripgrep', target: 0.5 },
  { id: 'docx', dir: 'docx', primary: 'filesPerSec', baseline: 'mammoth', target: 5 },
  { id: 'xlsx', dir: 'xlsx', primary: 'filesPerSec', baseline: 'exceljs', target: 3 },
  { id: 'pdf', dir: 'pdf', primary: 'pagesPerSec', baseline: 'pdftotext', target: 0.8 },
  { id: 'docx-large', dir: 'docx-large', primary: 'mbPerSec', baseline: 'mammoth', target: 5 },
  { id: 'xlsx-large', dir: 'xlsx-large', primary: 'mbPerSec', baseline: 'exceljs', target: 3, rssTargetMb: 300 },
  { id: 'pdf-large', dir: 'pdf-large', primary: 'pagesPerSec', baseline: 'pdftotext', target: 0.8 },
];

export const TABLE_COLUMNS = ['set', 'tool', 'threads', 'cache', 'seconds', 'CPU s', 'start-up s', 'MB/s', 'files/s', 'pages/s', 'peak RSS MB', 'ratio', 'ratio past start-up'];

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** First line of a tool's version output; pdftotext prints it on stderr. */
function versionOf(cmd, args) {
  const out = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${out.stdout ?? ''}${out.stderr ?? ''}`.split('\n')[0].trim() || 'unknown';
}

/** A temporary folder holding a copy of the smallest file under `dir` (by size, then name). */
function oneFileFolder(dir) {
  const smallest = listFiles(dir)
    .map((file) => ({ file, size: fs.statSync(file).size }))
    .reduce((a, b) => (b.size < a.size ? b : a));
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'phi-bench-startup-'));
  const copy = path.join(folder, path.basename(smallest.file));
  fs.copyFileSync(smallest.file, copy);
  return { dir: folder, source: smallest.file, bytes: smallest.size };
}

function walk(dir) {
  const files = listFiles(dir);
  return { files: files.length, bytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0) };
}

const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Peak RSS without GNU time: the highest VmHWM seen while polling the process (children not included). */
function pollPeak(pid, state) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (hwm) state.peakKb = Math.max(state.peakKb, Number(hwm[1]));
  } catch {
    // the process ended between two polls
  }
}

/**
 * Runs a command to completion with stdout discarded; wall time from here, CPU time (user + system) of the
 * command and everything it started from a cgroup of its own where one can be made (cpu-cgroup.mjs), else
 * from GNU time (waited-for children only), and peak RSS (the largest of the process and its children) from
 * GNU time, or from polling /proc and no CPU time without it. CPU time is what a busy shared machine
 * distorts least.
 */
export function measure(cmd, args, { env } = {}) {
  const timeFile = path.join(os.tmpdir(), `phi-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const timed = TIME ? { cmd: TIME, args: ['-f', '%M %U %S', '-o', timeFile, cmd, ...args] } : { cmd, args };
  // CPU from a cgroup where one can be made: GNU time misses what outlives its waited-for children.
  const accounted = accountedCommand(timed.cmd, timed.args);
  const run = accounted ?? timed;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(run.cmd, run.args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.length > 1 << 20) stderr = stderr.slice(-(1 << 19));
    });
    const state = { peakKb: 0 };
    const poll = TIME ? undefined : setInterval(() => pollPeak(child.pid, state), 50);
    child.on('error', reject);
    child.on('close', async (code) => {
      if (poll) clearInterval(poll);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      let peakKb = state.peakKb;
      let cpuSeconds = null;
      if (TIME) {
        const fields = readTimeFile(timeFile);
        peakKb = fields?.peakKb ?? 0;
        cpuSeconds = fields?.cpuSeconds ?? null;
        fs.rmSync(timeFile, { force: true });
      }
      if (accounted) cpuSeconds = (await accounted.seconds()) ?? cpuSeconds;
      resolve({ code, seconds, cpuSeconds, peakMb: peakKb / 1024, stderr });
    });
  });
}

/** GNU time writes "Command exited with non-zero status N" before its own line when the command fails. */
function readTimeFile(file) {
  try {
    const last = fs.readFileSync(file, 'utf8').trim().split('\n').pop() ?? '';
    const [peakKb, user, system] = last.split(' ').map(Number);
    return { peakKb: peakKb ?? 0, cpuSeconds: Number.isFinite(user + system) ? user + system : null };
  } catch {
    return undefined;
  }
}

/**
 * The best of several runs of one command: the fastest wall time is the one least slowed by other work on a
 * shared machine; its CPU time and stage table go with it, and peak RSS is the highest of any run.
 */
function bestOf(results) {
  const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { ...best, peakMb: Math.max(...results.map((r) => r.peakMb)) };
}

/** Each tool as a command over a set folder at a thread count; undefined when the tool is missing. */
function commands(tools, patternFile) {
  return {
    'phi-scan': (dir, threads) => ({
      cmd: process.execPath,
      args: [CLI, 'scan', dir, '--threads', String(threads), '--format', 'jsonl', '--timeout', '1800', '--max-file-size', '1GiB', '--quiet', '--stats'],
      ok: (code) => code === 0 || code === 1,
    }),
    ripgrep: tools.rg
      ? (dir, threads) => ({
          cmd: 'rg',
          args: ['--no-config', '--no-ignore', '--hidden', '--count', '-j', String(threads), '-f', patternFile, dir],
          ok: (code) => code === 0 || code === 1,
        })
      : undefined,
    pdftotext: tools.pdftotext
      ? (dir, threads) => ({
          cmd: 'sh',
          args: ['-c', 'find "$1" -type f -name "*.pdf" -print0 | xargs -0 -P "$2" -I{} pdftotext -q {} -', 'sh', dir, String(threads)],
          ok: (code) => code === 0,
        })
      : undefined,
    mammoth: (dir, threads) => ({ cmd: process.execPath, args: [NODE_BASELINE, 'mammoth', dir, String(threads)], ok: (code) => code === 0 }),
    exceljs: (dir, threads) => ({ cmd: process.execPath, args: [NODE_BASELINE, 'exceljs', dir, String(threads)], ok: (code) => code === 0 }),
  };
}

/** The stage table phi-scan prints with --stats, kept for the record of where time went. */
function statsBlock(stderr) {
  const at = stderr.lastIndexOf('phi-scan stats');
  return at >= 0 ? stderr.slice(at).trim() : undefined;
}

function round(n, digits = 1) {
  if (n === null || n === undefined || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Three significant digits: rates span 0.01 (a tiny set) to 10,000 (small files) in one table. */
function sig(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return null;
  return n === 0 ? 0 : Number(n.toPrecision(3));
}

/**
 * Runs every set: phi-scan at `threads` and at 1 thread, the baseline at both, cold first when the page
 * cache can be dropped or the set's files evicted from it (page-cache.mjs), then warm. Returns rows and the
 * target verdicts. `coldMethod` picks how cold runs are made instead of trying drop_caches first.
 */
export async function runBenchmarks(options) {
  const { corpusDir, threads, sets = SETS.map((s) => s.id), cold = true, log = () => {}, manifest, onRow, rounds = 1 } = options;
  const coldMethod = cold ? (options.coldMethod ?? coldCacheMethod()) : null;
  const tools = { rg: hasCommand('rg'), pdftotext: hasCommand('pdftotext') };
  const patternFile = writePatternFile(path.join(os.tmpdir(), `phi-bench-patterns-${process.pid}.txt`));
  const canDrop = coldMethod !== null;
  const cmds = commands(tools, patternFile);
  const threadCounts = [...new Set([threads, 1])];
  const rows = [];

  const runOnce = async (label, tool, dir, t, cache) => {
    const make = cmds[tool];
    if (!make) return undefined;
    if (cache === 'cold' && !makeCold(coldMethod, dir)) return undefined;
    const { cmd, args, ok } = make(dir, t);
    const result = await measure(cmd, args);
    if (!ok(result.code)) throw new Error(`${tool} failed on ${label} (exit ${result.code}): ${result.stderr.slice(-400)}`);
    return result;
  };

  /**
   * phi-scan and its baseline in turn, `rounds` times, so both meet the same moments of a busy machine. On a
   * warm set of many files each tool also runs over a folder holding only the set's smallest file: that run's
   * time is the tool's start-up (a process, modules, phi-scan's worker threads), which a few hundred
   * documents cannot amortise and a share of millions does.
   */
  const runPair = async (set, label, dir, t, cache, sizeInfo) => {
    const tools = ['phi-scan', set.baseline];
    const runs = Object.fromEntries(tools.map((tool) => [tool, []]));
    const startups = Object.fromEntries(tools.map((tool) => [tool, []]));
    const single = cache === 'warm' && sizeInfo.files > 1 ? oneFileFolder(dir) : undefined;
    try {
      for (let round = 0; round < rounds; round++) {
        for (const tool of tools) {
          const result = await runOnce(label, tool, dir, t, cache);
          if (result) runs[tool].push(result);
          const startup = single && (await runOnce(label, tool, single.dir, t, cache));
          if (startup) startups[tool].push(startup);
        }
      }
    } finally {
      if (single) fs.rmSync(single.dir, { recursive: true, force: true });
    }
    // The one-file run's own share of the set: its bytes and (for PDFs) its pages.
    const startupShare = single && { bytes: single.bytes, pages: manifest?.pageCounts?.[path.relative(corpusDir, single.source)] ?? 0 };
    for (const tool of tools) {
      if (!runs[tool].length) continue;
      const startup = startups[tool].length ? { ...startupShare, seconds: bestOf(startups[tool]).seconds } : undefined;
      addRow(label, tool, t, cache, sizeInfo, bestOf(runs[tool]), startup);
    }
  };

  const addRow = (label, tool, t, cache, sizeInfo, result, startup) => {
    const { files, bytes, pages } = sizeInfo;
    // Past start-up: what the rest of the set took beyond the one-file run, for the rest of the set.
    const pastStartup = startup && result.seconds > startup.seconds ? result.seconds - startup.seconds : undefined;
    const rates = (seconds, skipBytes = 0, skipFiles = 0, skipPages = 0) => ({
      mbPerSec: (bytes - skipBytes) / 1e6 / seconds,
      filesPerSec: (files - skipFiles) / seconds,
      pagesPerSec: pages ? (pages - skipPages) / seconds : null,
    });
    const shown = (exact) => ({ mbPerSec: sig(exact.mbPerSec), filesPerSec: sig(exact.filesPerSec), pagesPerSec: sig(exact.pagesPerSec) });
    const whole = rates(result.seconds);
    const rest = pastStartup ? rates(pastStartup, startup.bytes, 1, startup.pages) : null;
    const row = {
      set: label,
      tool,
      threads: t,
      cache,
      seconds: round(result.seconds, 2),
      cpuSeconds: round(result.cpuSeconds, 2),
      ...shown(whole),
      peakRssMb: round(result.peakMb, 0),
      ratio: null,
      startupSeconds: startup ? round(startup.seconds, 2) : null,
      pastStartup: rest ? shown(rest) : null,
      ratioPastStartup: null,
      // Unrounded rates and ratios, which the verdicts judge: a ratio of rounded rates can round up to a target.
      exact: { ...whole, pastStartup: rest, ratio: null, ratioPastStartup: null },
      files,
      bytes,
      ...(tool === 'phi-scan' && statsBlock(result.stderr) ? { stats: statsBlock(result.stderr) } : {}),
    };
    rows.push(row);
    onRow?.(rows);
    log(`${label} ${tool} t${t} ${cache}: ${row.seconds}s ${row.mbPerSec} MB/s ${row.filesPerSec} files/s rss ${row.peakRssMb} MB`);
  };

  for (const set of SETS.filter((s) => sets.includes(s.id))) {
    const dir = path.join(corpusDir, set.dir);
    if (!fs.existsSync(dir)) continue;
    const { files, bytes } = walk(dir);
    const pages = Object.entries(manifest?.pageCounts ?? {})
      .filter(([file]) => file.startsWith(`${set.dir}/`))
      .reduce((sum, [, n]) => sum + n, 0);
    const sizeInfo = { files, bytes, pages };
    // Cold runs at the full thread count only: they measure the disk, which one thread does not change.
    const caches = canDrop ? ['cold', 'warm'] : ['warm'];
    // Without a cold run first, another set's cold run may have evicted this one: read it once so "warm" is.
    if (!canDrop) for (const file of listFiles(dir)) fs.readFileSync(file);
    for (const cache of caches) {
      for (const t of cache === 'cold' ? [threads] : threadCounts) await runPair(set, set.id, dir, t, cache, sizeInfo);
    }
    // The corpus at a tenth (one of ten equal sub-folders): peak RSS must not grow with the corpus.
    if (set.id === 'text-10kib') {
      const tenth = path.join(dir, 'part0');
      if (fs.existsSync(tenth)) {
        const results = [];
        for (let round = 0; round < rounds; round++) results.push(await runOnce('text-10kib/10', 'phi-scan', tenth, threads, 'warm'));
        addRow('text-10kib/10', 'phi-scan', threads, 'warm', { ...walk(tenth), pages: 0 }, bestOf(results));
      }
    }
  }

  for (const row of rows) {
    const set = SETS.find((s) => s.id === row.set);
    if (!set || row.tool !== 'phi-scan') continue;
    const base = rows.find((r) => r.set === row.set && r.tool === set.baseline && r.threads === row.threads && r.cache === row.cache);
    if (base && base.exact[set.primary]) {
      row.exact.ratio = row.exact[set.primary] / base.exact[set.primary];
      row.ratio = sig(row.exact.ratio);
    }
    if (base?.exact.pastStartup?.[set.primary] && row.exact.pastStartup?.[set.primary]) {
      row.exact.ratioPastStartup = row.exact.pastStartup[set.primary] / base.exact.pastStartup[set.primary];
      row.ratioPastStartup = sig(row.exact.ratioPastStartup);
    }
  }
  fs.rmSync(patternFile, { force: true });
  return { rows, verdicts: verdicts(rows, threads), canDropCaches: canDrop, coldMethod, tools };
}

/**
 * A verdict's value to three significant digits, or as many more as it takes to read on the same side of the
 * target as the measured value (`meets`): 0.4991 is not shown as 0.5 beside "NOT MET".
 */
function verdictValue(n, meets) {
  if (n === null || n === undefined || !Number.isFinite(n)) return null;
  for (let digits = 3; digits < 12; digits++) {
    const shown = Number(n.toPrecision(digits));
    if (meets(shown) === meets(n)) return shown;
  }
  return n;
}

/**
 * Each target of the issue as met / not met / not measured, judged on warm runs (cold adds the disk) and on the
 * unrounded ratios (`exact`).
 */
export function verdicts(rows, threads) {
  const warm = rows.filter((r) => r.cache === 'warm');
  const find = (set, tool, t) => warm.find((r) => r.set === set && r.tool === tool && r.threads === t);
  const out = [];
  for (const set of SETS) {
    for (const t of [...new Set([threads, 1])]) {
      const row = find(set.id, 'phi-scan', t);
      if (!row) continue;
      const ratio = row.exact?.ratio ?? null;
      const meets = (v) => v >= set.target;
      out.push({
        target: `${set.id}: ≥ ${set.target}× ${set.baseline} ${set.primary} at ${t} thread(s)`,
        value: verdictValue(ratio, meets),
        met: ratio === null ? null : meets(ratio),
      });
    }
  }
  const one = find('text-1mib', 'phi-scan', 1);
  const many = find('text-1mib', 'phi-scan', threads);
  if (one && many && threads > 1) {
    const scaling = many.exact.mbPerSec / one.exact.mbPerSec;
    const meets = (v) => v >= 1.7;
    out.push({ target: `text-1mib: ${threads} threads ≥ 1.7× 1 thread`, value: verdictValue(scaling, meets), met: meets(scaling) });
  }
  const large = find('xlsx-large', 'phi-scan', threads);
  if (large) out.push({ target: 'xlsx-large: peak RSS ≤ 300 MB', value: large.peakRssMb, met: large.peakRssMb <= 300 });
  const phi = rows.filter((r) => r.tool === 'phi-scan');
  if (phi.length) {
    const worst = Math.max(...phi.map((r) => r.peakRssMb));
    out.push({ target: 'every set: peak RSS ≤ 512 MB', value: worst, met: worst <= 512 });
  }
  const tenth = find('text-10kib/10', 'phi-scan', threads);
  const whole = find('text-10kib', 'phi-scan', threads);
  if (tenth && whole) {
    const growth = whole.peakRssMb / tenth.peakRssMb;
    const meets = (v) => v <= 1.25;
    out.push({ target: 'peak RSS at 10× the files ≤ 1.25× (does not grow)', value: verdictValue(growth, meets), met: meets(growth) });
  }
  return out;
}

function cell(v) {
  return v === null || v === undefined ? '–' : String(v);
}

/** A Markdown table (readable as plain text too) with the columns of TABLE_COLUMNS. */
export function formatTable(rows) {
  const lines = [`| ${TABLE_COLUMNS.join(' | ')} |`, `|${TABLE_COLUMNS.map(() => '---').join('|')}|`];
  for (const r of rows) {
    const values = [r.set, r.tool, r.threads, r.cache, r.seconds, r.cpuSeconds, r.startupSeconds, r.mbPerSec, r.filesPerSec, r.pagesPerSec, r.peakRssMb, r.ratio, r.ratioPastStartup];
    lines.push(`| ${values.map(cell).join(' | ')} |`);
  }
  return lines.join('\n');
}

export function formatVerdicts(verdicts) {
  return verdicts.map((v) => `- ${v.met === null ? 'not measured' : v.met ? 'MET' : 'NOT MET'}: ${v.target} (${cell(v.value)})`).join('\n');
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    // The machine is shared: other work running at the same time shows here.
    loadAverage: os.loadavg().map((n) => round(n, 1)).join(' '),
    ripgrep: hasCommand('rg') ? versionOf('rg', ['--version']) : 'not installed',
    pdftotext: hasCommand('pdftotext') ? versionOf('pdftotext', ['-v']) : 'not installed',
  };
}

function argValue(argv, name) {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function main(argv) {
  const quick = argv.includes('--quick');
  // A quick corpus of its own, so a smoke run never replaces the full one (rebuilding that takes minutes).
  const corpusDir = path.resolve(argValue(argv, '--dir') ?? (quick ? path.join(DEFAULT_CORPUS_DIR, 'quick') : DEFAULT_CORPUS_DIR));
  const threads = Number(argValue(argv, '--threads') ?? os.availableParallelism());
  const sets = argValue(argv, '--sets')?.split(',');
  const rounds = Math.max(1, Number(argValue(argv, '--rounds') ?? 1));
  const sizes = sizesFromEnv(quick ? QUICK_SIZES : FULL_SIZES);
  const log = (line) => console.error(line);
  if (!fs.existsSync(CLI)) throw new Error(`build first: ${CLI} is missing (pnpm build)`);
  const manifest = await ensureCorpus(corpusDir, sizes, log);
  const machine = machineInfo();
  const jsonOut = argValue(argv, '--json');
  // Rows are saved as they come, so a run cut short (a slow disk, a deadline) still leaves its numbers.
  const onRow = jsonOut ? (rows) => fs.writeFileSync(jsonOut, JSON.stringify({ machine, sizes, partial: true, rows }, null, 2)) : undefined;
  const cold = !argv.includes('--no-cold');
  const result = await runBenchmarks({ corpusDir, threads, sets, cold, log, manifest, onRow, rounds });
  const report = [
    `phi-scan benchmarks, ${machine.date}`,
    `machine: ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.kernel}, node ${machine.node}; ${machine.ripgrep}; ${machine.pdftotext}`,
    `load average at start: ${machine.loadAverage}; at end: ${os.loadavg().map((n) => round(n, 1)).join(' ')}`,
    `corpus: ${JSON.stringify(sizes)}`,
    `rounds: best of ${rounds} per tool and cache state, phi-scan and its baseline alternating`,
    `cold cache: ${cold ? describeColdMethod(result.coldMethod) : 'not asked for (--no-cold): warm only'}`,
    `CPU s: ${cgroupAccountingAvailable() ? 'from a cgroup per run (the command and everything it starts, pdftotext runs included)' : 'from GNU time (waited-for children only: phi-scan\'s pdftotext runs are not counted)'}`,
    '',
    formatTable(result.rows),
    '',
    'ratio = phi-scan / baseline on the set\'s metric (MB/s for 1 MiB text and large files, files/s for small files, DOCX and XLSX, pages/s for PDF), same threads and cache.',
    '',
    formatVerdicts(result.verdicts),
    '',
  ].join('\n');
  console.log(report);
  const stats = result.rows.filter((r) => r.stats && r.cache === 'warm' && r.threads === threads);
  for (const r of stats) console.log(`### ${r.set}\n\`\`\`\n${r.stats}\n\`\`\``);
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ machine, sizes, ...result }, null, 2));
  const mdOut = argValue(argv, '--md');
  if (mdOut) fs.writeFileSync(mdOut, report);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error?.stack ?? String(error));
    process.exit(2);
  });
}
