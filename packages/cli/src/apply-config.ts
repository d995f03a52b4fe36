import type { Command } from 'commander';
import type { CustomDetectorConfig, ListEntry } from '@phi-scan/detectors';
import type { CliContext } from './context.js';
import { loadConfig, type ConfigValues } from './config-file.js';
import { say } from './context.js';
import type { ScanCommandOptions } from './scan-command.js';
import { UsageError } from './usage-error.js';

/**
 * Fills the scan options from the config file wherever the command line did not set them: flags override the
 * file, the file overrides the built-in defaults. A list option given on the command line replaces the file's
 * list rather than adding to it, so a flag always means exactly what it says.
 */
export async function withConfig(context: CliContext, command: Command, options: ScanCommandOptions, roots: readonly string[] = []): Promise<ScanCommandOptions> {
  const loaded = await loadConfig(options.config, context.io.cwd, roots, (line) => say(context, `warning: ${line}`));
  if (!loaded) return options;
  const merged: Record<string, unknown> = { ...options };
  const { disableDetectors, ...values } = loaded.values as ConfigValues;
  for (const [key, value] of Object.entries(values)) {
    if (command.getOptionValueSource(key) === 'cli') continue;
    merged[key] = value;
  }
  if (disableDetectors?.length) {
    const all = merged.detectors as string[] | undefined;
    const base = all ?? (await context.deps.listDetectors()).map((detector) => detector.id);
    merged.detectors = base.filter((id) => !disableDetectors.includes(id));
  }
  await checkEngineLists(loaded.path, values);
  if (!options.quiet && !merged.quiet) say(context, `using the config file ${loaded.path}`);
  return merged as unknown as ScanCommandOptions;
}

/**
 * Custom detectors and allow/deny lists go to the detection engine as they are; compiling them once here turns
 * a bad pattern into one usage error naming it, instead of every worker task failing on it.
 */
async function checkEngineLists(path: string, values: ConfigValues): Promise<void> {
  if (!values.customDetectors && !values.allow && !values.deny) return;
  const { createEngine } = await import('@phi-scan/detectors');
  try {
    createEngine({
      custom: values.customDetectors as CustomDetectorConfig[] | undefined,
      allow: values.allow as ListEntry[] | undefined,
      deny: values.deny as ListEntry[] | undefined,
    });
  } catch (error) {
    throw new UsageError(`config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
