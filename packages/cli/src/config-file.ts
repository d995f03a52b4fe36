import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { insideScannedRoot } from './operator-file.js';
import type { ScanCommandOptions } from './scan-command.js';
import { UsageError } from './usage-error.js';

/** Looked for in the operator's working directory, never in the scanned share: its owner may be the one audited. */
export const CONFIG_FILE_NAMES = ['.phi-scan.yml', '.phi-scan.yaml', '.phi-scan.json'];

/** What a config file may set: the scan command's options by their long names in camelCase, plus a way to turn detectors off. */
export type ConfigValues = Partial<Omit<ScanCommandOptions, 'config' | 'stats' | 'workerMemory'>> & { disableDetectors?: string[] };

export interface LoadedConfig {
  path: string;
  values: ConfigValues;
}

/**
 * The config file: `--config FILE`, else the first of CONFIG_FILE_NAMES in the working directory (unless that
 * is inside a scanned root, see operator-file.ts), else none.
 * YAML is parsed with the `yaml` package's core schema, which builds plain data only (no tags that construct
 * objects or run code). Paths in it are relative to the file's folder.
 */
export async function loadConfig(
  explicit: string | undefined,
  cwd: string,
  roots: readonly string[] = [],
  warn: (line: string) => void = () => {},
): Promise<LoadedConfig | undefined> {
  const candidates = explicit ? [resolve(cwd, explicit)] : CONFIG_FILE_NAMES.map((name) => join(cwd, name));
  for (const path of candidates) {
    if (!explicit && insideScannedRoot(path, roots)) {
      if (existsSync(path)) warn(`not using ${path}: it is inside the scanned share (name it with --config to use it)`);
      continue;
    }
    let source: string;
    try {
      source = await readFile(path, 'utf8');
    } catch (error) {
      if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new UsageError(`cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}`);
    }
    const { parseConfig } = await import('./config-parse.js');
    return { path, values: parseConfig(source, path) };
  }
  return undefined;
}
