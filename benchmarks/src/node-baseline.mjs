// Baselines that are libraries, not programs: mammoth.extractRawText over every .docx, exceljs full load of
// every .xlsx. With N > 1 the files are shared among N processes (one thread each), as phi-scan shares them
// among N worker threads.
//   node node-baseline.mjs mammoth|exceljs DIR [N]
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listFiles } from './files.mjs';

const [tool, dir, procsArg = '1', shardArg] = process.argv.slice(2);
const procs = Math.max(1, Number(procsArg));
const extension = tool === 'mammoth' ? '.docx' : '.xlsx';

async function runShard(shard) {
  const files = listFiles(dir).filter((f) => f.endsWith(extension)).filter((_, i) => i % procs === shard);
  if (tool === 'mammoth') {
    const mammoth = (await import('mammoth')).default;
    for (const f of files) await mammoth.extractRawText({ buffer: fs.readFileSync(f) });
  } else if (tool === 'exceljs') {
    const ExcelJS = (await import('exceljs')).default;
    for (const f of files) await new ExcelJS.Workbook().xlsx.load(fs.readFileSync(f));
  } else {
    throw new Error(`unknown baseline ${tool}`);
  }
}

if (shardArg !== undefined) {
  await runShard(Number(shardArg));
} else if (procs === 1) {
  await runShard(0);
} else {
  const self = fileURLToPath(import.meta.url);
  const children = Array.from({ length: procs }, (_, shard) =>
    new Promise((resolve, reject) => {
      const child = fork(self, [tool, dir, String(procs), String(shard)], { stdio: 'inherit' });
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${shard} exited ${code}`))));
    }),
  );
  await Promise.all(children);
}
