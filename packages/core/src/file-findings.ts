import type { FindingRole } from '@phi-scan/detectors';
import { PackedFindings } from './packed-findings.js';
import type { FileResult, ReportedFinding } from './types.js';

/**
 * A result that came from a worker holds its findings in columns (packed-findings.ts). Its `findings` stays
 * the array every caller knows, built the first time something reads it; code that only counts findings, or
 * writes them out, asks this module instead and the objects are never built.
 */
const packedOf = new WeakMap<FileResult, PackedFindings>();

/** Turns the transit form a worker sent into the lazily built `findings` array (in place). */
export function adoptPackedFindings(result: FileResult): FileResult {
  const data = result.packed;
  if (!data) return result;
  delete result.packed;
  const packed = new PackedFindings(data);
  packedOf.set(result, packed);
  // Redefining the existing property keeps its place among the result's keys.
  Object.defineProperty(result, 'findings', {
    configurable: true,
    enumerable: true,
    get(): ReportedFinding[] {
      const findings = packed.materialize();
      settle(result, findings);
      return findings;
    },
    set(findings: ReportedFinding[]) {
      settle(result, findings);
    },
  });
  return result;
}

function settle(result: FileResult, findings: ReportedFinding[]): void {
  packedOf.delete(result);
  Object.defineProperty(result, 'findings', { value: findings, writable: true, enumerable: true, configurable: true });
}

/** The columns behind a result's findings, while nothing has built them as objects. */
export function packedFindingsOf(result: FileResult): PackedFindings | undefined {
  return packedOf.get(result);
}

export function findingCount(result: Pick<FileResult, 'findings'>): number {
  return packedOf.get(result as FileResult)?.count ?? result.findings.length;
}

/** How many findings each detector (with its role) has, without building the findings. */
export function findingCountsByDetector(result: Pick<FileResult, 'findings'>): { detector: string; role: FindingRole; count: number }[] {
  const packed = packedOf.get(result as FileResult);
  if (packed) return packed.kindCounts().flatMap(({ kind, count }) => (count ? [{ detector: kind.detector, role: kind.role, count }] : []));
  // Most files of a share: no maps made for them (the summary asks of every file).
  if (result.findings.length === 0) return [];
  // Keyed by detector, then role: no string built per finding.
  const counts = new Map<string, Map<FindingRole, { detector: string; role: FindingRole; count: number }>>();
  for (const { detector, role } of result.findings) {
    let byRole = counts.get(detector);
    if (!byRole) counts.set(detector, (byRole = new Map()));
    const entry = byRole.get(role);
    if (entry) entry.count++;
    else byRole.set(role, { detector, role, count: 1 });
  }
  return [...counts.values()].flatMap((byRole) => [...byRole.values()]);
}
