// Memory of scan-wide patient linking at millions of records: feeds synthetic records' keys (HMACs, as a scan
// makes them) through the same ExposureTally the summary uses, and prints peak RSS and the index's own bytes.
//
//   node benchmarks/exposure/patient-index.mjs [records=2000000] [keysPerRecord=3] [--fast-keys]
//
// --fast-keys makes the keys with a cheap mixing function instead of HMAC-SHA-256 (they are as uniform, and
// the index never sees the difference), so ten million records take seconds instead of minutes.
//
// Each synthetic patient appears in two records in different folders (a roster and a feed), so the expected
// distinct count is records / 2; the script checks it.
import { createHmac } from 'node:crypto';
import { ExposureTally } from '@phi-scan/core';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const fastKeys = process.argv.includes('--fast-keys');
const records = Number(args[0] ?? 2_000_000);
const keysPerRecord = Number(args[1] ?? 3);
const key = Buffer.from('benchmark key');
const KINDS = ['ssn', 'mrn', 'name+dob', 'mbi'];
const FILE_RECORDS = 1000;

/** 128 bits of hex from a number, through murmur3's finalizer: uniform like an HMAC, far cheaper. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
function mix(h) {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
function hexWord(h) {
  return HEX_BYTE[h >>> 24] + HEX_BYTE[(h >>> 16) & 255] + HEX_BYTE[(h >>> 8) & 255] + HEX_BYTE[h & 255];
}
function mixedHex(n) {
  const a = mix(n + 1);
  const b = mix(a ^ 0x9e3779b9);
  return hexWord(a) + hexWord(b) + hexWord(mix(b ^ 0x7f4a7c15)) + hexWord(mix(a ^ b));
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const rssNow = () => process.memoryUsage().rss;
global.gc?.();
const before = rssNow();
const started = performance.now();

const tally = new ExposureTally();
const patients = records / 2;
let file = 0;
for (let start = 0; start < records; start += FILE_RECORDS) {
  const recordList = [];
  for (let r = start; r < Math.min(records, start + FILE_RECORDS); r++) {
    const patient = r % patients;
    const keys = [];
    for (let k = 0; k < keysPerRecord; k++) {
      keys.push(fastKeys ? mixedHex(patient * 8 + k) : createHmac('sha256', key).update(`record-key\0${KINDS[k % KINDS.length]}:${patient}`).digest('hex').slice(0, 32));
    }
    recordList.push({ identifiers: ['dob', 'mrn', 'name', 'ssn'], phi: r % 3 === 0, keys });
  }
  // A thousand records a file, files spread over 200 folders.
  tally.add({ type: 'file', path: `share/folder-${file % 200}/export-${file}.csv`, status: 'scanned', bytes: 0, findings: [], records: recordList.length, recordList });
  file += 1;
}
const figures = tally.figures();
const elapsed = performance.now() - started;
const peak = process.resourceUsage().maxRSS * 1024;

console.log(`records            ${records.toLocaleString('en-US')} (${keysPerRecord} keys each, ${file.toLocaleString('en-US')} files)`);
console.log(`distinct patients  ${figures.distinctPatients.toLocaleString('en-US')} (expected ${patients.toLocaleString('en-US')})`);
console.log(`time               ${(elapsed / 1000).toFixed(1)} s${fastKeys ? '' : " (mostly computing the HMACs a scan's workers would have made)"}`);
console.log(`typed arrays       ${mib(tally.byteLength)} (union-find over keys, per-folder record nodes)`);
console.log(`RSS before         ${mib(before)}`);
console.log(`peak RSS           ${mib(peak)}  (+${mib(peak - before)})`);
if (figures.distinctPatients !== patients) {
  console.error('distinct patient count is wrong');
  process.exitCode = 1;
}
