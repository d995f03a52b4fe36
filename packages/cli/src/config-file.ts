import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { parseDocument } from 'yaml';
import { REPORT_FORMATS } from '@phi-scan/core';
import { parseSeconds, parseSize, parseThreads } from './option-values.js';
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

type Reader = (value: unknown, key: string) => unknown;

const text: Reader = (value, key) => {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`'${key}' must be a non-empty string`);
  return value;
};
const flag: Reader = (value, key) => {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`'${key}' must be true or false`);
  return value;
};
const texts: Reader = (value, key) => {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new InvalidArgumentError(`'${key}' must be a list of strings`);
  }
  return [...list];
};
const oneOf =
  (choices: readonly string[]): Reader =>
  (value, key) => {
    if (typeof value !== 'string' || !choices.includes(value)) throw new InvalidArgumentError(`'${key}' must be one of ${choices.join(', ')}`);
    return value;
  };
/** Numbers may be written as numbers or as the flag would take them (`maxFileSize: 100MB`). */
const parsed =
  (parser: (text: string) => number): Reader =>
  (value) =>
    parser(String(value));
const list: Reader = (value, key) => {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`'${key}' must be a list`);
  return value;
};

const READERS: Partial<Record<keyof ConfigValues, Reader>> = {
  format: oneOf(REPORT_FORMATS),
  output: text,
  reveal: flag,
  threads: parsed(parseThreads),
  include: texts,
  exclude: texts,
  maxFileSize: parsed(parseSize),
  minConfidence: oneOf(['low', 'medium', 'high']),
  timeout: parsed(parseSeconds),
  followSymlinks: flag,
  mrnPattern: texts,
  detectors: texts,
  disableDetectors: texts,
  explain: flag,
  verbose: flag,
  quiet: flag,
  fingerprintKey: text,
  csvPer: oneOf(['finding', 'file']),
  baseline: text,
  ignoreFile: text,
  customDetectors: list,
  allow: list,
  deny: list,
};

/** Friendlier spellings people will write, mapped to the option names. */
const ALIASES: Record<string, keyof ConfigValues> = { mrnPatterns: 'mrnPattern' };

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
    return { path, values: parseConfig(source, path) };
  }
  return undefined;
}

/** A tag the core schema does not know (`!!js/function`) is a warning to the yaml package; here it is an error. */
function parseYamlStrictly(source: string): unknown {
  const document = parseDocument(source, { schema: 'core', uniqueKeys: true, logLevel: 'silent' });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw Object.assign(new Error(problem.code), { name: problem.code });
  return document.toJS({ maxAliasCount: 50 });
}

export function parseConfig(source: string, path: string): ConfigValues {
  let data: unknown;
  try {
    data = path.endsWith('.json') ? JSON.parse(source) : parseYamlStrictly(source);
  } catch (error) {
    // The parser's message quotes the offending line, which may hold a pattern or a key: keep only its kind.
    throw new UsageError(`config ${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(error as Error).name})`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`config ${path}: expected a mapping of option names to values`);
  const values: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(data)) {
    const key = (ALIASES[rawKey] ?? rawKey) as keyof ConfigValues;
    const reader = READERS[key];
    if (!reader) throw new UsageError(`config ${path}: unknown option '${rawKey}' (known: ${Object.keys(READERS).join(', ')})`);
    try {
      values[key] = reader(value, rawKey);
    } catch (error) {
      throw new UsageError(`config ${path}: ${(error as Error).message}`);
    }
  }
  return values as ConfigValues;
}
