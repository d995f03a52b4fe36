import type { ScanEvent, ScanOptions } from '@phi-scan/core';
import type { DetectorInfo } from '@phi-scan/detectors';
import type { InterruptSource } from './interrupt.js';

export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin?: NodeJS.ReadableStream;
  env?: NodeJS.ProcessEnv;
  /** Where config and ignore files are looked for (default: the process's working directory). */
  cwd?: string;
}

/** What the CLI drives but does not implement: injected so tests run the real argument handling without a scan. */
export interface CliDeps {
  /** Default: the real scan, imported by the scan command itself (the other commands never load it). */
  scan?(roots: readonly string[], options: ScanOptions): AsyncIterable<ScanEvent>;
  listDetectors(): readonly DetectorInfo[] | Promise<readonly DetectorInfo[]>;
  /** Starts the scan's first worker ahead of it; resolves to a release for when no scan took it. */
  startWorkers?(limits: { threads?: number; workerMaxOldGenerationMb?: number }): Promise<() => Promise<void>>;
  interrupts: InterruptSource;
}

export interface CliContext {
  io: Required<Pick<CliIo, 'stdout' | 'stderr' | 'env' | 'cwd'>>;
  deps: CliDeps;
}

/** A line on stderr with the program's name, so it stands out among other tools' output in a pipeline. */
export function say(context: CliContext, line: string): void {
  context.io.stderr.write(`phi-scan: ${line}\n`);
}
