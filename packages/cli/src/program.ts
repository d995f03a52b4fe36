import { Command, Option } from 'commander';
import { REPORT_FORMATS } from '@phi-scan/core/report-formats';
import type { CliContext } from './context.js';
import { appendList, appendValue, parseMegabytes, parseSeconds, parseSize, parseThreads } from './option-values.js';
import type { ScanCommandOptions } from './scan-command.js';
import { withConfig } from './apply-config.js';
import type { ReportCommandOptions } from './report-command.js';
import { VERSION } from './version.js';

const EXAMPLES = `
Examples:
  phi-scan ./share                                 scan a folder, print a summary
  phi-scan scan /mnt/hr --format jsonl -o hr.jsonl  one JSON line per file, into a file (mode 0600)
  phi-scan ./share --min-confidence high --verbose  only high-confidence findings, a line per file
  phi-scan ./share --exclude '**/*.iso' --max-file-size 100MB
  phi-scan ./share --mrn-pattern 'MRN[0-9]{8}'     add a site-specific medical record number format
  phi-scan ./share --format html -o exposure.html  one self-contained page: patients, riskiest files, drill-down
  phi-scan report share.jsonl --format sarif       re-render a saved scan (html, csv, sarif, text, json)
  phi-scan ./share --baseline last.jsonl           only what is new (same PHI_SCAN_FINGERPRINT_KEY needed)
  phi-scan detectors                               list what phi-scan looks for

Exit codes: 0 no findings at or above --min-confidence, 1 findings, 2 usage error, fatal error or interrupted.
Values are masked in every report unless --reveal is given.`;

/** Builds a fresh program per run: commander keeps parse state on the instance. `setExitCode` receives each action's result. */
export function buildProgram(context: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('phi-scan')
    .description('Find exposed protected health information (PHI) in folders and mounted shares.')
    .version(VERSION, '-V, --version')
    .configureOutput({
      writeOut: (text) => context.io.stdout.write(text),
      writeErr: (text) => context.io.stderr.write(text),
      // Commander's messages may span lines ("(Did you mean …?)"): one line reads better in logs.
      outputError: (text, write) => write(`phi-scan: ${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);

  program
    .command('scan', { isDefault: true })
    .description('scan files and folders for PHI (the default command: `phi-scan <paths...>`)')
    .argument('<paths...>', 'files or folders to scan')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .option('-o, --output <file>', 'write the report to a file (created with mode 0600, replaced atomically)')
    .addOption(new Option('--csv-per <unit>', 'csv: a row per finding or per file').choices(['finding', 'file']))
    .option('--config <file>', 'options from a YAML or JSON file (default: .phi-scan.yml/.yaml/.json in the working directory); flags override it')
    .option('--baseline <report>', 'report only findings not in this earlier json/jsonl report (same --fingerprint-key needed)')
    .option('--ignore-file <file>', 'paths to leave out, gitignore syntax (default: .phi-scanignore in the working directory)')
    .option('--reveal', 'report raw matched values instead of masked ones (the report is then PHI)')
    .option('--threads <n>', 'worker threads (default: the number of CPU cores)', parseThreads)
    .option('--include <glob>', 'scan only paths matching the glob (repeatable)', appendValue)
    .option('--exclude <glob>', 'skip paths matching the glob (repeatable)', appendValue)
    .option('--max-file-size <size>', 'skip larger files, e.g. 10MB, 512k, 1GiB (default 256MiB)', parseSize)
    .addOption(
      new Option('--min-confidence <level>', 'report findings at or above this confidence')
        .choices(['low', 'medium', 'high'])
        .default('medium'),
    )
    .option('--timeout <seconds>', 'give up on a single file after this many seconds (default 60)', parseSeconds)
    .option('--worker-memory <MiB>', 'heap limit of each worker; a file that needs more is reported as worker-crashed (default 1024)', parseMegabytes)
    .option('--follow-symlinks', 'follow symbolic links (default: report them as skipped)')
    .option('--mrn-pattern <re2>', 'a site-specific medical record number format, RE2 syntax (repeatable)', appendValue)
    .option('--detectors <ids>', "run only these detectors, comma-separated (see 'phi-scan detectors')", appendList)
    .option('--fingerprint-key <key>', 'key for the HMAC fingerprints, so scans can be compared (default: env PHI_SCAN_FINGERPRINT_KEY, else random per scan)')
    .option('--explain', 'include why each finding has its confidence')
    .option('--verbose', 'text report: a line per file with findings or errors')
    .option('-q, --quiet', 'no progress line and no summary line on stderr')
    .option('--stats', 'print on stderr where the time went: crawl, read, extract per format, detect, report')
    .option('--debug', 'print stack traces on fatal errors')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], options: ScanCommandOptions, command: Command) => {
      const scanOptions = await withConfig(context, command, options, paths);
      // Each command loads its own modules when it runs; the scan's first worker starts before them, so its
      // start-up (a thread, the detectors) overlaps this thread's loading on the other core.
      const release = await context.deps.startWorkers?.({ threads: scanOptions.threads, workerMaxOldGenerationMb: scanOptions.workerMemory });
      try {
        const { runScanCommand } = await import('./scan-command.js');
        setExitCode(await runScanCommand(context, paths, scanOptions));
      } finally {
        await release?.();
      }
    });

  program
    .command('report')
    .description('render a saved json/jsonl scan in another format, without scanning again')
    .argument('<saved>', 'a report written by `phi-scan scan --format jsonl` (or json)')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('html'))
    .option('-o, --output <file>', 'write the report to a file (created with mode 0600, replaced atomically)')
    .addOption(new Option('--csv-per <unit>', 'csv: a row per finding or per file').choices(['finding', 'file']))
    .option('--verbose', 'text report: a line per file with findings or errors')
    .option('--explain', 'text report: a line per finding with its confidence reasons')
    .option('-q, --quiet', 'no message on stderr')
    .option('--debug', 'print stack traces on fatal errors')
    .action(async (saved: string, options: ReportCommandOptions) => {
      const { runReportCommand } = await import('./report-command.js');
      setExitCode(await runReportCommand(context, saved, options));
    });

  program
    .command('detectors')
    .description('list the detectors: id, name, HIPAA category, description')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--debug', 'print stack traces on fatal errors')
    .action(async (options: { format: 'text' | 'json' }) => {
      const { runDetectorsCommand } = await import('./detectors-command.js');
      setExitCode(await runDetectorsCommand(context, options.format));
    });

  return program;
}
