// Apart from finding the file (config-file.ts): the YAML parser costs 40+ ms to load, and most runs have no
// config file to parse.
import { InvalidArgumentError } from 'commander';
import { parseDocument } from 'yaml';
import { REPORT_FORMATS } from '@phi-scan/core/main';
import type { ConfigValues } from './config-file.js';
import { parseSeconds, parseSize, parseThreads } from './option-values.js';
import { UsageError } from './usage-error.js';

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
