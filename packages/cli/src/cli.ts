import { CommanderError } from 'commander';
import type { CliContext, CliDeps, CliIo } from './context.js';
import { processInterrupts } from './interrupt.js';
import { buildProgram } from './program.js';
import { UsageError } from './usage-error.js';

export type { CliDeps, CliIo } from './context.js';

const DEFAULT_DEPS: CliDeps = {
  startWorkers: async (limits) => (await import('@phi-scan/core/workers')).startWorkers(limits),
  // Only for --detectors, a config's disableDetectors and `phi-scan detectors`: a scan runs the detectors in
  // its workers, and loading them on the main thread too would cost it ~50 ms.
  listDetectors: async () => (await import('@phi-scan/detectors')).listDetectors(),
  interrupts: processInterrupts,
};

/**
 * Runs phi-scan with the arguments after the program name and returns the exit code: 0 clean, 1 findings,
 * 2 usage error, fatal error or interrupt. Never calls process.exit, so it runs in-process in tests.
 */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}, deps: Partial<CliDeps> = {}): Promise<number> {
  const context: CliContext = {
    io: { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, env: io.env ?? process.env, cwd: io.cwd ?? process.cwd() },
    // The workers started early are the real scan's: a test's own scan gets none.
    deps: { ...DEFAULT_DEPS, ...(deps.scan ? { startWorkers: undefined } : {}), ...deps },
  };
  let exitCode = 0;
  try {
    await buildProgram(context, (code) => (exitCode = code)).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportFailure(context, error, argv.includes('--debug'));
  }
}

function reportFailure(context: CliContext, error: unknown, debug: boolean): number {
  // Commander has already printed its message (help, version, usage error) through configureOutput.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  const message = isClosedOutput(error)
    ? 'the report output was closed (EPIPE) before the report was complete'
    : error instanceof Error
      ? error.message
      : String(error);
  context.io.stderr.write(`phi-scan: error: ${firstLine(message)}\n`);
  if (debug && error instanceof Error && !(error instanceof UsageError) && error.stack) {
    context.io.stderr.write(error.stack + '\n');
  }
  return 2;
}

/** `phi-scan … | head` closes the pipe early: say so plainly instead of printing `write EPIPE`. */
function isClosedOutput(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim() || 'unexpected failure';
}
