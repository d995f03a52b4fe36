import type { FileAccess, FileResult, FileRisk } from '../types.js';
import { findingCountsByDetector } from '../file-findings.js';

/**
 * How much an identifier kind says about who a patient is. An SSN or an MBI identifies a person anywhere and
 * enables identity theft; an MRN identifies them inside one organisation; a name or a birth date alone narrows
 * it down. Kinds not listed (phone, email, …) count as contact data.
 */
const IDENTIFIER_WEIGHT: Record<string, number> = { ssn: 1, mbi: 0.9, hicn: 0.9, mrn: 0.6, dob: 0.5, name: 0.4 };
const OTHER_IDENTIFIER_WEIGHT = 0.3;

/** Readable by everyone on the share is the full exposure; a group is a smaller audience; the owner alone, least. */
const ACCESSIBILITY = { world: 1, group: 0.7, owner: 0.4, unknown: 0.7 };

/**
 * Sensitivity (0–1) is 50 % how many patients (logarithmic: 1 → 0.1, 10 → 0.35, 1000 → 1), 30 % how strong the
 * strongest identifier is (plus a little for each other kind), 20 % whether health information is paired with an
 * identifier. The score is sensitivity × accessibility × 100, so a world-readable roster of SSNs and diagnoses
 * outranks the same roster readable only by its owner, and both outrank a letter naming one patient.
 */
export function assessRisk(result: Pick<FileResult, 'records' | 'recordList' | 'findings'>, access: FileAccess | undefined): FileRisk {
  const patients = Math.min(1, Math.log10(1 + result.records) / 3);
  const kinds = new Set<string>();
  let health = false;
  for (const record of result.recordList ?? []) health ||= record.phi;
  for (const { detector, role } of findingCountsByDetector(result)) if (role === 'identifier') kinds.add(detector);
  const weights = [...kinds].map((k) => IDENTIFIER_WEIGHT[k] ?? OTHER_IDENTIFIER_WEIGHT);
  const strongest = weights.length ? Math.max(...weights) : 0;
  const identifiers = Math.min(1, strongest + 0.1 * Math.max(0, weights.length - 1));
  const sensitivity = 0.5 * patients + 0.3 * identifiers + 0.2 * (health ? 1 : 0);
  const accessibility = accessibilityOf(access);
  const score = Math.round(100 * sensitivity * accessibility);
  return { score, level: score >= 60 ? 'high' : score >= 35 ? 'medium' : 'low', sensitivity: round2(sensitivity), accessibility };
}

function accessibilityOf(access: FileAccess | undefined): number {
  if (!access) return ACCESSIBILITY.unknown;
  if (access.worldReadable) return ACCESSIBILITY.world;
  return access.groupReadable ? ACCESSIBILITY.group : ACCESSIBILITY.owner;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
