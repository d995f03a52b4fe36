// Memory of scan-wide patient linking at millions of records: feeds synthetic records' keys (HMACs, as a scan
// makes them) through the same ExposureTally the summary uses, and prints peak RSS and the index's own bytes.
//
//   node benchmarks/exposure/patient-index.mjs [records=2000000] [keysPerRecord=3]
//
// Each synthetic patient appears in two records in different folders (a roster and a feed), so the expected
// distinct count is records / 2; the script checks it.
import { createHmac } from 'node:crypto';
import { ExposureTally } from '@phi-scan/core';

const records = Number(process.argv[2] ?? 2_000_000);
const keysPerRecord = Number(process.argv[3] ?? 3);
const key = Buffer.from('benchmark key');
const KINDS = ['ssn', 'mrn', 'name+dob', 'mbi'];
const FILE_RECORDS = 1000;

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
      keys.push(createHmac('sha256', key).update(`record-key\0${KINDS[k % KINDS.length]}:${patient}`).digest('hex').slice(0, 32));
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
console.log(`time               ${(elapsed / 1000).toFixed(1)} s (mostly computing the HMACs a scan's workers would have made)`);
console.log(`typed arrays       ${mib(tally.byteLength)} (union-find over keys, per-folder record nodes)`);
console.log(`RSS before         ${mib(before)}`);
console.log(`peak RSS           ${mib(peak)}  (+${mib(peak - before)})`);
if (figures.distinctPatients !== patients) {
  console.error('distinct patient count is wrong');
  process.exitCode = 1;
}
