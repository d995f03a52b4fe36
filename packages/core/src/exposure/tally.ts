import path from 'node:path';
import type { FileResult } from '../types.js';
import { identifierSet, linksAcrossFiles } from './link.js';
import { PatientIndex } from './patient-index.js';

export interface FolderExposure {
  folder: string;
  patients: number;
  records: number;
  files: number;
}

export interface ExposureFigures {
  distinctPatients: number;
  distinctPhiPatients: number;
  filesExposingPatients: number;
  phiRecords: number;
  piiRecords: number;
  recordsByIdentifiers: Record<string, number>;
  patientsByFolder: FolderExposure[];
}

/** Folders and identifier combinations are few next to records, but a hostile share could make them many. */
const MAX_FOLDERS = 5000;
const MAX_IDENTIFIER_SETS = 200;
const REPORTED_FOLDERS = 20;

interface FolderTally {
  records: number;
  files: number;
  unlinked: number;
  /** One patient-index node per linked record (4 bytes a record), resolved to roots at the end. */
  nodes: Int32Array;
  length: number;
}

/**
 * Folds every file's patient records into scan-wide figures: distinct patients (linked across files through
 * their keys), PHI against PII records, records by the identifiers that make them identifying, and distinct
 * patients per folder. Memory: the patient index (about 20 bytes a key) plus 4 bytes a record for the folders.
 */
export class ExposureTally {
  readonly #index = new PatientIndex();
  readonly #folders = new Map<string, FolderTally>();
  readonly #identifierSets = new Map<string, number>();
  #filesExposing = 0;
  #phiRecords = 0;
  #piiRecords = 0;

  add(result: FileResult): void {
    if (result.records === 0) return;
    this.#filesExposing += 1;
    const folder = this.#folder(result.path);
    if (folder) folder.files += 1;
    const list = result.recordList ?? [];
    for (const record of list) {
      if (record.phi) this.#phiRecords += 1;
      else this.#piiRecords += 1;
      this.#countSet(identifierSet(record));
      const node = this.#index.addRecord(linksAcrossFiles(record) ? record.keys : [], record.phi);
      if (folder) push(folder, node);
    }
    // A result without its record list (an older report) still counts its records, each as its own patient.
    for (let i = list.length; i < result.records; i++) {
      this.#piiRecords += 1;
      this.#index.addRecord([], false);
      if (folder) push(folder, -1);
    }
  }

  figures(): ExposureFigures {
    return {
      distinctPatients: this.#index.distinctPatients,
      distinctPhiPatients: this.#index.distinctPhiPatients(),
      filesExposingPatients: this.#filesExposing,
      phiRecords: this.#phiRecords,
      piiRecords: this.#piiRecords,
      recordsByIdentifiers: Object.fromEntries([...this.#identifierSets].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))),
      patientsByFolder: this.#folderFigures(),
    };
  }

  /** Bytes in the typed arrays behind the figures: the part of memory that grows with the records. */
  get byteLength(): number {
    let bytes = this.#index.byteLength;
    for (const tally of this.#folders.values()) bytes += tally.nodes.byteLength;
    return bytes;
  }

  #folder(filePath: string): FolderTally | undefined {
    // A member of an archive belongs to the archive's folder.
    const name = path.dirname(filePath.split('!', 1)[0]!);
    let tally = this.#folders.get(name);
    if (!tally) {
      if (this.#folders.size >= MAX_FOLDERS) return undefined;
      tally = { records: 0, files: 0, unlinked: 0, nodes: new Int32Array(16), length: 0 };
      this.#folders.set(name, tally);
    }
    return tally;
  }

  #countSet(set: string): void {
    if (this.#identifierSets.has(set) || this.#identifierSets.size < MAX_IDENTIFIER_SETS) {
      this.#identifierSets.set(set, (this.#identifierSets.get(set) ?? 0) + 1);
    }
  }

  #folderFigures(): FolderExposure[] {
    const figures: FolderExposure[] = [];
    for (const [folder, tally] of this.#folders) {
      const roots = new Set<number>();
      for (let i = 0; i < tally.length; i++) roots.add(this.#index.find(tally.nodes[i]!));
      figures.push({ folder, patients: roots.size + tally.unlinked, records: tally.records, files: tally.files });
    }
    figures.sort((a, b) => b.patients - a.patients || b.records - a.records || (a.folder < b.folder ? -1 : 1));
    return figures.slice(0, REPORTED_FOLDERS);
  }
}

function push(tally: FolderTally, node: number): void {
  tally.records += 1;
  if (node < 0) {
    tally.unlinked += 1;
    return;
  }
  if (tally.length === tally.nodes.length) {
    const nodes = new Int32Array(tally.nodes.length * 2);
    nodes.set(tally.nodes);
    tally.nodes = nodes;
  }
  tally.nodes[tally.length++] = node;
}
