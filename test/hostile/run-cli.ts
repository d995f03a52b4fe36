import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(repo, 'packages/cli/dist/bin.js');
const guard = path.join(repo, 'test/hostile/guard.cjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Network attempts the guard refused (must stay empty). */
  network: string[];
  /** Peak RSS of the CLI process, workers included, in bytes. */
  maxRssBytes: number | undefined;
}

/** rm -rf, because fs.rmSync gives up on paths longer than PATH_MAX and coreutils' rm does not. */
export function removeTree(dir: string): void {
  spawnSync('rm', ['-rf', dir]);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `phi-hostile-${prefix}-`));
}

function guardEnv(log: string): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: '1', PHI_SCAN_GUARD_LOG: log, PHI_SCAN_GUARD_FAULTS: '1' };
}

function readGuardLog(log: string): Pick<CliRun, 'network' | 'maxRssBytes'> {
  const lines = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  fs.rmSync(log, { force: true });
  const rss = lines.find((l) => l.startsWith('maxrss:'));
  return { network: lines.filter((l) => l.startsWith('network:')), maxRssBytes: rss ? Number(rss.slice(7)) * 1024 : undefined };
}

/** Runs the built CLI with the network guard preloaded; `prefix` runs it under another program (setpriv). */
export function runCli(args: string[], options: { cwd?: string; prefix?: string[]; timeoutMs?: number } = {}): CliRun {
  const log = path.join(os.tmpdir(), `phi-hostile-guard-${process.pid}-${Math.random().toString(36).slice(2)}.log`);
  const command = [...(options.prefix ?? []), process.execPath, '--require', guard, bin, ...args];
  const run = spawnSync(command[0]!, command.slice(1), {
    cwd: options.cwd ?? repo,
    encoding: 'utf8',
    env: guardEnv(log),
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ...readGuardLog(log) };
}

/** Starts the CLI without waiting, for the interrupt tests. */
export function startCli(args: string[], cwd = repo): ChildProcess {
  return spawn(process.execPath, ['--require', guard, bin, ...args], { cwd, env: guardEnv(path.join(os.tmpdir(), `phi-hostile-guard-${process.pid}-bg.log`)), stdio: ['ignore', 'pipe', 'pipe'] });
}

export function parseJsonl(text: string): any[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
