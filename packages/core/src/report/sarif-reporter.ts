import { createHash } from 'node:crypto';
import type { DetectorInfo } from '@phi-scan/detectors';
import type { FileResult, ReportedFinding } from '../types.js';
import type { ScanSummary } from '../scan-types.js';
import type { Reporter, ReporterOptions } from './reporter.js';
import { describeLocation } from './location-text.js';
import { StreamSink } from './stream-sink.js';

export const SARIF_VERSION = '2.1.0';
const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Failed files become tool notifications; a share with a million broken files must not fill memory with them. */
const MAX_NOTIFICATIONS = 1000;

const LEVEL = { high: 'error', medium: 'warning', low: 'note' } as const;

/**
 * SARIF 2.1.0 for code-scanning dashboards. Results stream out as files complete; the tool section with its
 * rules comes after them (JSON objects are unordered, and the rules are known only once the detectors that
 * fired are). Rule ids are `phi/<detector id>`, stable across versions. Messages never hold a value, masked or
 * not: a dashboard keeps them long after the report file is gone. The keyed fingerprints go in
 * `partialFingerprints`, so a dashboard tracks a finding across scans run with the same --fingerprint-key.
 */
export class SarifReporter implements Reporter {
  readonly #sink: StreamSink;
  readonly #version: string;
  readonly #rulesSeen = new Set<string>();
  readonly #notifications: object[] = [];
  #notificationsDropped = 0;
  #resultsWritten = 0;

  constructor(out: NodeJS.WritableStream, options: ReporterOptions) {
    this.#sink = new StreamSink(out);
    this.#version = options.toolVersion ?? '0.0.0';
  }

  file(result: FileResult): Promise<void> {
    if (result.status === 'error') this.#notify(result);
    if (result.findings.length === 0) return Promise.resolve();
    const parts: string[] = [];
    for (const finding of result.findings) {
      this.#rulesSeen.add(finding.detector);
      const opening = this.#resultsWritten === 0 ? this.#preamble() : ',\n';
      this.#resultsWritten += 1;
      parts.push(opening + JSON.stringify(sarifResult(result, finding)));
    }
    return this.#sink.write(parts.join(''));
  }

  async end(summary: ScanSummary): Promise<void> {
    // Loaded only here: the detectors' tables are worker-side weight that only this report's rules need.
    const { listDetectors } = await import('@phi-scan/detectors');
    const opening = this.#resultsWritten === 0 ? this.#preamble() : '\n';
    const run = {
      tool: { driver: { name: 'phi-scan', semanticVersion: this.#version, version: this.#version, rules: this.#rules(listDetectors()) } },
      invocations: [
        {
          executionSuccessful: summary.complete,
          toolExecutionNotifications: this.#notifications,
          properties: { notificationsDropped: this.#notificationsDropped },
        },
      ],
      columnKind: 'unicodeCodePoints',
      properties: {
        distinctPatients: summary.distinctPatients,
        distinctPhiPatients: summary.distinctPhiPatients,
        records: summary.records,
        filesSeen: summary.filesSeen,
        filesWithFindings: summary.filesWithFindings,
        masked: summary.masked,
        minConfidence: summary.minConfidence,
      },
    };
    return this.#sink.finish(`${opening}],\n${JSON.stringify(run).slice(1)}]}\n`);
  }

  #preamble(): string {
    return `{"$schema":"${SARIF_SCHEMA}","version":"${SARIF_VERSION}","runs":[{"results":[\n`;
  }

  #rules(detectors: readonly DetectorInfo[]): object[] {
    const known = new Map<string, DetectorInfo>(detectors.map((detector) => [detector.id, detector]));
    return [...this.#rulesSeen].sort().map((id) => {
      const info = known.get(id);
      return {
        id: ruleId(id),
        name: ruleName(info?.name ?? id),
        shortDescription: { text: info?.name ?? `custom detector ${id}` },
        fullDescription: { text: info?.description ?? `findings of the ${id} detector` },
        defaultConfiguration: { level: 'warning' },
        properties: { detector: id, hipaa: info?.hipaa, tags: ['phi', 'privacy', ...(info ? [info.hipaa] : [])] },
      };
    });
  }

  #notify(result: FileResult): void {
    if (this.#notifications.length >= MAX_NOTIFICATIONS) {
      this.#notificationsDropped += 1;
      return;
    }
    this.#notifications.push({
      level: 'error',
      message: { text: `${result.reason ?? 'error'}: ${result.message ?? 'the file could not be scanned'}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: toUri(result.path) } } }],
      descriptor: { id: `phi/file-${result.reason ?? 'error'}` },
    });
  }
}

function ruleId(detector: string): string {
  return `phi/${detector}`;
}

/** SARIF rule names are PascalCase identifiers: "Social Security number" → "SocialSecurityNumber". */
function ruleName(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

function sarifResult(file: FileResult, finding: ReportedFinding): object {
  const record = finding.record === undefined ? '' : ` in patient record ${finding.record + 1} of ${file.records}`;
  const result: Record<string, unknown> = {
    ruleId: ruleId(finding.detector),
    level: LEVEL[finding.confidence],
    message: { text: `${finding.detector} (${finding.hipaa}), ${finding.confidence} confidence${record}` },
    locations: [sarifLocation(file.path, finding)],
    partialFingerprints: {
      'phiValue/v1': finding.fingerprint,
      'phiLocation/v1': createHash('sha256')
        .update(`${file.path}\0${JSON.stringify(finding.location)}\0${finding.fingerprint}`)
        .digest('hex')
        .slice(0, 32),
    },
    properties: { confidence: finding.confidence, hipaa: finding.hipaa, role: finding.role, record: finding.record, location: finding.location },
  };
  if (file.risk) result.rank = file.risk.score;
  return result;
}

function sarifLocation(path: string, finding: ReportedFinding): object {
  const location = finding.location as unknown as Record<string, unknown>;
  const physicalLocation: Record<string, unknown> = { artifactLocation: { uri: toUri(path) } };
  // Only a plain text line/column is a region of the file as SARIF means it; a PDF page's line, a sheet's cell
  // or an HL7 field is said in words in the location's message.
  const plainText = typeof location.line === 'number' && !('page' in location) && !('part' in location) && !('message' in location);
  if (plainText) {
    const region: Record<string, number> = { startLine: location.line as number };
    if (typeof location.column === 'number') region.startColumn = location.column;
    physicalLocation.region = region;
  }
  return { physicalLocation, message: { text: describeLocation(finding.location) } };
}

/** A relative path stays relative (percent-encoded per segment); an absolute one becomes a file URI. */
export function toUri(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const encoded = slashed
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%21/g, '!'))
    .join('/');
  return slashed.startsWith('/') ? `file://${encoded}` : encoded;
}
