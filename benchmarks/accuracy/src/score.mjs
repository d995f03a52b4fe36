// Scores phi-scan (the real pipeline: scanFile over files on disk; scan() for archives and mail, whose members
// come back as results of their own) and a peer library on the labelled corpus. Values are compared per file
// at the level of (detector, normalized value), a container's members pooled with it; see README "Measured accuracy".
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFingerprinter, extractText, scan, scanFile } from '@phi-scan/core';
import { makeAccuracyCorpus, normalizeAddressLabel } from '@phi-scan/synth';

/** The detectors the issue sets targets for, with the target precision and recall. */
export const TARGETS = {
  ssn: 0.98, mrn: 0.98, dob: 0.98, icd10: 0.98, npi: 0.98, dea: 0.98, mbi: 0.98, email: 0.98, phone: 0.98,
  name: 0.95, address: 0.95,
};

const FINGERPRINT_KEY = 'accuracy-benchmark';
const fingerprint = createFingerprinter(FINGERPRINT_KEY);

const nameTokens = (value) => value.toUpperCase().replace(/[.,^]/g, ' ').split(/\s+/).filter(Boolean);

/** Whether a found value is the labelled one: exact for most detectors, by tokens or prefix where a detector may report part of it. */
function matches(detector, found, label) {
  if (detector === 'name' || detector === 'relative-name') {
    const tokens = new Set(nameTokens(label.value));
    const foundTokens = nameTokens(found.value);
    return foundTokens.length > 0 && foundTokens.every((t) => tokens.has(t));
  }
  if (detector === 'address') {
    const f = normalizeAddressLabel(found.value);
    return f.length >= 5 && (f.startsWith(label.value) || label.value.startsWith(f));
  }
  return found.fingerprint !== undefined ? found.fingerprint === fingerprint(detector, label.value) : found.normalized === label.value;
}

function emptyCounts() {
  return { labels: 0, found: 0, matchedLabels: 0, matchedFound: 0 };
}

/** Adds one file's labels and unique found values to per-detector counts; returns the file's misses for debugging. */
function tally(counts, labels, found, ids) {
  const misses = [];
  for (const id of ids) {
    const ls = labels.filter((l) => l.detector === id);
    const fs = found.filter((f) => f.detector === id);
    if (ls.length === 0 && fs.length === 0) continue;
    const c = (counts[id] ??= emptyCounts());
    c.labels += ls.length;
    c.found += fs.length;
    for (const l of ls) {
      if (fs.some((f) => matches(id, f, l))) c.matchedLabels++;
      else misses.push({ kind: 'fn', detector: id, value: l.value });
    }
    for (const f of fs) {
      if (ls.some((l) => matches(id, f, l))) c.matchedFound++;
      else misses.push({ kind: 'fp', detector: id, value: f.value });
    }
  }
  return misses;
}

function uniqueBy(items, key) {
  const seen = new Map();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

// ---- the peer -------------------------------------------------------------------------------------------

/** OpenRedaction's types mapped onto our ids; types with no counterpart are left out of its score. */
function peerDetector(type) {
  const t = type.toUpperCase();
  if (t === 'SSN' || t.startsWith('SSN_') || t === 'US_SSN') return 'ssn';
  if (t.includes('BIRTH') || t === 'DOB') return 'dob';
  if (t.includes('MEDICAL_RECORD') || t === 'MRN') return 'mrn';
  if (t.includes('NPI')) return 'npi';
  if (t.includes('DEA')) return 'dea';
  if (t.includes('MEDICARE') || t.includes('MBI')) return 'mbi';
  if (t.includes('ICD')) return 'icd10';
  if (t.includes('EMAIL')) return 'email';
  if (t.includes('FAX')) return 'fax';
  if (t.includes('PHONE')) return 'phone';
  if (t.includes('ADDRESS') || t.includes('STREET')) return 'address';
  if (t === 'NAME' || t.endsWith('_NAME') || t === 'PERSON') return 'name';
  if (t.includes('IP_ADDRESS') || t === 'IPV4' || t === 'IPV6') return 'ip';
  if (t.includes('CREDIT_CARD')) return 'credit-card';
  if (t.includes('HEALTH_PLAN')) return 'health-plan-id';
  return undefined;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n) => String(n).padStart(2, '0');

/** The corpus's date spellings to ISO, for the peer's raw values. */
function isoDate(value) {
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (m) return `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(value);
  if (m) {
    const year = m[3].length === 4 ? m[3] : Number(m[3]) <= 24 ? `20${m[3]}` : `19${m[3]}`;
    return `${year}-${pad(m[1])}-${pad(m[2])}`;
  }
  m = /^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$/.exec(value);
  if (m && MONTHS.includes(m[1].slice(0, 3).toLowerCase())) return `${m[3]}-${pad(MONTHS.indexOf(m[1].slice(0, 3).toLowerCase()) + 1)}-${pad(m[2])}`;
  m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(value);
  if (m && MONTHS.includes(m[2].toLowerCase())) return `${m[3]}-${pad(MONTHS.indexOf(m[2].toLowerCase()) + 1)}-${pad(m[1])}`;
  return value;
}

function peerNormalized(detector, value) {
  const digits = value.replace(/[^0-9]/g, '');
  switch (detector) {
    case 'ssn': case 'npi': case 'credit-card': return digits;
    case 'phone': case 'fax': return digits.length === 11 && digits[0] === '1' ? digits.slice(1) : digits;
    case 'dob': return isoDate(value.trim());
    case 'mbi': case 'mrn': case 'dea': return value.replace(/[^0-9A-Za-z]/g, '').toUpperCase();
    case 'icd10': return value.trim().toUpperCase();
    case 'email': return value.trim().toLowerCase();
    default: return value.trim();
  }
}

async function loadPeer() {
  try {
    const { OpenRedaction } = await import('@openredaction/openredaction');
    const engine = new OpenRedaction();
    return {
      name: '@openredaction/openredaction 1.0.4',
      async detect(text) {
        const result = await engine.detect(text);
        return (result.detections ?? []).map((d) => ({ type: d.type, value: d.value }));
      },
    };
  } catch {
    return undefined;
  }
}

const TEXT_EXTENSIONS = new Set(['.txt', '.md', '.csv', '.hl7', '.json', '.log', '.x12']);

/** Files whose members (archive entries, mail attachments) the scan reports as results of their own. */
export const isContainer = (file) => /\.(zip|tar|tgz|gz|eml)$/i.test(file);

/**
 * The text a text-only library would be given: the file itself for text formats, our extractor's text for
 * office files, PDFs and DICOM, and for archives and mail the text of every file inside (each read the same way).
 */
async function plainText(file, bytes, depth = 0) {
  if (TEXT_EXTENSIONS.has(path.extname(file)) && !isContainer(file)) return new TextDecoder().decode(bytes).replace(/\r/g, '\n');
  const extracted = await extractText(bytes, file);
  if (!extracted.ok) return '';
  const parts = [extracted.segments.map((s) => s.text).join('\n')];
  if (extracted.members && depth < 4) {
    for await (const member of extracted.members) if (member.bytes) parts.push(await plainText(member.name, member.bytes, depth + 1));
  }
  return parts.filter(Boolean).join('\n');
}

// ---- the run --------------------------------------------------------------------------------------------

/**
 * Generates the corpus, writes it to a temporary folder, scans every file and scores the findings.
 * Returns plain data: per-detector counts for phi-scan and the peer, file-level detection and record counts.
 */
export async function scoreCorpus({ seed = 'phi-scan accuracy v1', documents = 520, peer = true, minConfidence = 'medium', keepMisses = false, set = 'labelled' } = {}) {
  const corpus = await makeAccuracyCorpus({ seed, documents, set });
  const root = await mkdtemp(path.join(tmpdir(), 'phi-scan-accuracy-'));
  const ours = {};
  const theirs = {};
  const byFormat = {};
  const misses = [];
  const files = { phi: 0, phiFlagged: 0, clean: 0, cleanFlagged: 0, peerPhiFlagged: 0, peerCleanFlagged: 0 };
  const recordErrors = [];
  const peerEngine = peer ? await loadPeer() : undefined;
  const started = performance.now();
  const options = { reveal: true, fingerprintKey: FINGERPRINT_KEY, minConfidence };
  try {
    // Every file is written first; plain files are scanned one by one with scanFile, archives and mail in one
    // scan() over them, which reports each member (`outer.zip!inner.csv`) as a result of its own.
    const resultsOf = new Map();
    const containers = [];
    for (const doc of corpus) {
      const file = path.join(root, doc.path);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, doc.bytes);
      if (isContainer(file)) containers.push(file);
      else resultsOf.set(file, [await scanFile(file, options)]);
    }
    if (containers.length > 0) {
      for (const file of containers) resultsOf.set(file, []);
      for await (const event of scan(containers, options)) {
        if (event.type !== 'file') continue;
        const outer = event.path.split('!')[0];
        resultsOf.get(outer)?.push(event);
      }
    }
    for (const doc of corpus) {
      const results = resultsOf.get(path.join(root, doc.path)) ?? [];
      const findings = results.flatMap((r) => r.findings);
      const found = uniqueBy(findings, (f) => `${f.detector}\0${f.fingerprint}`);
      const scored = (ids) => (doc.scoredDetectors ? ids.filter((id) => doc.scoredDetectors.includes(id)) : ids);
      const ids = scored([...new Set([...doc.labels.map((l) => l.detector), ...found.map((f) => f.detector)])]);
      const fileMisses = tally(ours, doc.labels, found, ids);
      if (keepMisses) for (const m of fileMisses) misses.push({ file: doc.path, ...m });
      const format = (byFormat[doc.format ?? path.extname(doc.path)] ??= { documents: 0, phi: 0, phiFlagged: 0, clean: 0, cleanFlagged: 0, counts: {} });
      format.documents++;
      tally(format.counts, doc.labels, found, ids);
      const flagged = findings.length > 0;
      if (doc.kind === 'phi') {
        files.phi++;
        format.phi++;
        if (flagged) {
          files.phiFlagged++;
          format.phiFlagged++;
        }
        const records = results.reduce((n, r) => n + (r.records ?? 0), 0);
        recordErrors.push(Math.abs(records - (doc.records ?? doc.patients)));
        if (keepMisses && records !== (doc.records ?? doc.patients)) misses.push({ file: doc.path, kind: 'records', detector: '', value: `${records} ≠ ${doc.records ?? doc.patients}` });
      } else {
        files.clean++;
        format.clean++;
        if (flagged) {
          files.cleanFlagged++;
          format.cleanFlagged++;
        }
        if (keepMisses && flagged) misses.push({ file: doc.path, kind: 'clean-flagged', detector: findings.map((f) => f.detector).join(','), value: '' });
      }
      if (peerEngine) {
        const detections = await peerEngine.detect(await plainText(doc.path, doc.bytes));
        const mapped = detections
          .map((d) => ({ detector: peerDetector(d.type), value: d.value }))
          .filter((d) => d.detector !== undefined)
          .map((d) => ({ ...d, normalized: peerNormalized(d.detector, d.value) }))
          // The peer has no fax type: a phone it reports on a labelled fax number counts as that fax.
          .map((d) => (d.detector === 'phone' && doc.labels.some((l) => l.detector === 'fax' && l.value === d.normalized) ? { ...d, detector: 'fax' } : d));
        const peerFound = uniqueBy(mapped, (f) => `${f.detector}\0${f.normalized}`);
        const peerIds = scored([...new Set([...doc.labels.map((l) => l.detector), ...peerFound.map((f) => f.detector)])]);
        tally(theirs, doc.labels, peerFound, peerIds);
        // Only the types that map onto ours flag a file: the peer also reports usernames and tracking numbers.
        if (mapped.length > 0) files[doc.kind === 'phi' ? 'peerPhiFlagged' : 'peerCleanFlagged']++;
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const phiFiles = recordErrors.length;
  return {
    seed,
    documents: corpus.length,
    formats: [...new Set(corpus.map((d) => (d.path.endsWith('.tar.gz') ? '.tar.gz' : path.extname(d.path))))].sort(),
    ours,
    byFormat: Object.fromEntries(Object.entries(byFormat).map(([name, f]) => [name, { ...f, total: sumCounts(Object.values(f.counts)) }])),
    peer: peerEngine ? { name: peerEngine.name, counts: theirs } : undefined,
    files,
    records: {
      exact: recordErrors.filter((e) => e === 0).length / Math.max(1, phiFiles),
      meanAbsoluteError: recordErrors.reduce((a, b) => a + b, 0) / Math.max(1, phiFiles),
    },
    misses,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Counts summed over detectors: a format's labels and found values, whatever their detector. */
function sumCounts(list) {
  const total = emptyCounts();
  for (const c of list) for (const k of Object.keys(total)) total[k] += c[k];
  return total;
}

export function metrics(c) {
  if (!c) return undefined;
  const precision = c.found === 0 ? (c.labels === 0 ? 1 : 0) : c.matchedFound / c.found;
  const recall = c.labels === 0 ? 1 : c.matchedLabels / c.labels;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, labels: c.labels, found: c.found };
}
