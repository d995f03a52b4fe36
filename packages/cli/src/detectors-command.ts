import type { DetectorInfo } from '@phi-scan/detectors';
import type { CliContext } from './context.js';

export async function runDetectorsCommand(context: CliContext, format: 'text' | 'json'): Promise<number> {
  const detectors = [...(await context.deps.listDetectors())].sort((a, b) => (a.id < b.id ? -1 : 1));
  const text = format === 'json' ? JSON.stringify(detectors, null, 2) + '\n' : detectorTable(detectors);
  await new Promise<void>((resolve) => context.io.stdout.write(text, () => resolve()));
  return 0;
}

function detectorTable(detectors: readonly DetectorInfo[]): string {
  const rows = [['ID', 'NAME', 'HIPAA', 'DESCRIPTION'], ...detectors.map((d) => [d.id, d.name, d.hipaa, d.description])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}
