import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  docx,
  docxBody,
  emptyPasswordPdf,
  encryptedOffice,
  encryptedPdf,
  inlineRow,
  noise,
  pdf,
  pdfStream,
  spaceBomb,
  textPdf,
  xlsx,
  zip,
} from './builders.js';

/** Synthetic values planted in hostile files; none of them may ever reach stderr unmasked. */
export const PLANTED = {
  name: 'Harriet Okonkwo',
  dob: '03/14/1962',
  mrn: '80417733',
  ssn: '523-71-4286',
} as const;

export const PHI_LINE = `Patient: ${PLANTED.name}  DOB: ${PLANTED.dob}  MRN: ${PLANTED.mrn}  SSN: ${PLANTED.ssn}`;

type Status = 'scanned' | 'skipped' | 'error';

export interface Expectation {
  /** Any of these is right where the outcome legitimately varies (e.g. a parser that recovers or not). */
  status: Status | Status[];
  /** Any of these reasons is right (a huge PDF may finish or hit the deadline, depending on the machine). */
  reason?: string | (string | undefined)[];
  /** The planted SSN must be found (the file was really read). */
  findsSsn?: boolean;
  /** The result must carry a `degraded` note matching this. */
  degraded?: RegExp;
}

export interface HostileCase {
  /** Path under the tree root; also the case's name in docs/hostile-input.md. */
  file: string;
  what: string;
  expect: Expectation;
  /** Writes the case into the tree. */
  make(target: string): void;
}

const write = (data: Buffer | string) => (target: string) => fs.writeFileSync(target, data);

const validDocx = () => docx(docxBody([PHI_LINE]));
const validXlsx = () => xlsx(`<sheetData>${inlineRow(1, ['Name', 'SSN'])}${inlineRow(2, [PLANTED.name, PLANTED.ssn])}</sheetData>`);

const BILLION_LAUGHS =
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
  ']>';

/** A page tree nested `depth` levels: every /Pages node has one kid, the next node, ending in the page. */
function deepPagesPdf(depth: number): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>'];
  for (let i = 0; i < depth; i++) {
    const self = i + 2;
    const parent = i === 0 ? '' : `/Parent ${self - 1} 0 R `;
    objects.push(`<< /Type /Pages ${parent}/Kids [${self + 1} 0 R] /Count 1 >>`);
  }
  const page = depth + 2;
  objects.push(`<< /Type /Page /Parent ${page - 1} 0 R /MediaBox [0 0 612 792] /Contents ${page + 1} 0 R /Resources << /Font << /F1 ${page + 2} 0 R >> >> >>`);
  objects.push(pdfStream(`BT /F1 11 Tf 56 740 Td (${PHI_LINE}) Tj ET`).toString('latin1'));
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  return pdf(objects);
}

/** A stream /Length that is a reference to a reference to … 10,000 deep. */
function deepReferencePdf(depth: number): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>'];
  objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>');
  const content = `BT /F1 11 Tf 56 740 Td (${PHI_LINE}) Tj ET`;
  objects.push(`<< /Length 6 0 R >>\nstream\n${content}\nendstream`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  for (let i = 0; i < depth; i++) objects.push(`${7 + i} 0 R`);
  objects.push(String(content.length));
  return pdf(objects);
}

/** A content stream of millions of text operators (deflated, so the file stays small). */
function hugeStreamPdf(operators: number): Buffer {
  const op = 'BT /F1 9 Tf 10 10 Td (filler text) Tj ET\n';
  return pdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    pdfStream(Buffer.from(op.repeat(operators), 'latin1'), true).toString('latin1'),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

/**
 * The content cases: each file's bytes are hostile, its path is ordinary. Cases that need the file system
 * (FIFOs, loops, permissions, odd names) are made by the tests that check them.
 */
export const CONTENT_CASES: HostileCase[] = [
  { file: 'pdf/truncated.pdf', what: 'PDF cut in half', expect: { status: 'error', reason: 'corrupt' }, make: (t) => fs.writeFileSync(t, textPdf([PHI_LINE]).subarray(0, 300)) },
  { file: 'pdf/garbage-after-header.pdf', what: 'PDF header, then random bytes', expect: { status: 'error', reason: 'corrupt' }, make: write(Buffer.concat([Buffer.from('%PDF-1.7\n'), noise(20_000, 3)])) },
  { file: 'pdf/encrypted.pdf', what: 'PDF behind a user password (/Encrypt, RC4)', expect: { status: 'skipped', reason: 'encrypted' }, make: write(encryptedPdf()) },
  { file: 'pdf/empty-user-password.pdf', what: 'PDF encrypted with an empty user password (RC4, opens without asking)', expect: { status: 'scanned', findsSsn: true, degraded: /empty user password/ }, make: write(emptyPasswordPdf([PHI_LINE])) },
  { file: 'pdf/deep-page-tree.pdf', what: 'page tree 10,000 levels deep', expect: { status: ['scanned', 'error'], reason: [undefined, 'corrupt', 'timeout'] }, make: write(deepPagesPdf(10_000)) },
  { file: 'pdf/deep-reference-chain.pdf', what: 'stream /Length through 10,000 chained references', expect: { status: 'scanned', findsSsn: true }, make: write(deepReferencePdf(10_000)) },
  { file: 'pdf/huge-content-stream.pdf', what: '500,000 text operators (20 MB) in one deflated stream', expect: { status: ['scanned', 'error'], reason: [undefined, 'timeout'] }, make: write(hugeStreamPdf(500_000)) },
  { file: 'pdf/empty.pdf', what: 'zero bytes named .pdf', expect: { status: 'scanned' }, make: write('') },

  { file: 'docx/truncated.docx', what: 'DOCX cut in half', expect: { status: 'error', reason: 'corrupt' }, make: (t) => { const d = validDocx(); fs.writeFileSync(t, d.subarray(0, d.length >> 1)); } },
  { file: 'docx/body-not-deflate.docx', what: 'zip directory intact, body part bytes are noise', expect: { status: 'error', reason: 'corrupt' }, make: write(docx(noise(4000, 5), [], { store: false })) },
  { file: 'docx/not-a-zip.docx', what: 'random bytes named .docx', expect: { status: 'skipped', reason: 'unsupported' }, make: write(noise(8192, 7)) },
  { file: 'docx/zip-not-docx.docx', what: 'a valid zip without word/document.xml (read as an archive where archives are supported)', expect: { status: ['skipped', 'scanned'], reason: ['unsupported', undefined] }, make: write(zip([{ name: 'readme.txt', data: 'hello' }, { name: 'data/values.bin', data: noise(500, 9) }])) },
  { file: 'docx/encrypted.docx', what: 'OLE container with EncryptedPackage', expect: { status: 'skipped', reason: 'encrypted' }, make: write(encryptedOffice()) },
  { file: 'docx/bomb-1000x.docx', what: 'body part inflating ~1000× past the part limit, declared size honest', expect: { status: 'skipped', reason: 'too-large' }, make: write(docx('', [], { deflated: spaceBomb(600 * 1024 * 1024) })) },
  { file: 'docx/bomb-lying-size.docx', what: '1000× body part whose headers claim 1 KB', expect: { status: 'skipped', reason: 'too-large' }, make: write(docx('', [], { deflated: spaceBomb(600 * 1024 * 1024), declaredSize: 1024 })) },
  { file: 'docx/many-entries.docx', what: '20,000 zip entries', expect: { status: 'skipped', reason: 'too-large' }, make: write(docx(docxBody(['x']), Array.from({ length: 20_000 }, (_, i) => ({ name: `word/media/e${i}.bin`, data: 'x', store: true })))) },
  { file: 'docx/billion-laughs.docx', what: 'entity expansion in the body part', expect: { status: 'error', reason: 'corrupt' }, make: write(docx(`${BILLION_LAUGHS}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>`)) },
  { file: 'docx/deep-nesting.docx', what: 'body nested 100,000 elements deep, PHI inside', expect: { status: 'error', reason: 'corrupt' }, make: write(docx(docxBody([PHI_LINE]).replace('<w:body>', '<w:body>' + '<w:customXml>'.repeat(100_000)).replace('</w:body>', '</w:customXml>'.repeat(100_000) + '</w:body>'))) },
  { file: 'docx/empty.docx', what: 'zero bytes named .docx', expect: { status: 'scanned' }, make: write('') },

  { file: 'xlsx/truncated.xlsx', what: 'XLSX cut in half', expect: { status: 'error', reason: 'corrupt' }, make: (t) => { const d = validXlsx(); fs.writeFileSync(t, d.subarray(0, d.length >> 1)); } },
  { file: 'xlsx/sheet-garbage.xlsx', what: 'zip intact, sheet XML is noise', expect: { status: ['error', 'scanned'], reason: ['corrupt', undefined] }, make: write(xlsxWithSheet(noise(3000, 11))) },
  { file: 'xlsx/encrypted.xlsx', what: 'OLE container with EncryptedPackage', expect: { status: 'skipped', reason: 'encrypted' }, make: write(encryptedOffice()) },
  { file: 'xlsx/bomb-shared-strings.xlsx', what: 'sharedStrings inflating ~1000× past the limit, size hidden', expect: { status: 'skipped', reason: 'too-large' }, make: write(xlsx('<sheetData/>', { name: 'xl/sharedStrings.xml', data: '', deflated: spaceBomb(600 * 1024 * 1024), declaredSize: 2048 })) },
  { file: 'xlsx/billion-laughs.xlsx', what: 'entity expansion in the sheet', expect: { status: ['error', 'scanned'], reason: ['corrupt', undefined] }, make: write(xlsxWithSheet(`${BILLION_LAUGHS}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>`)) },

  { file: 'text/empty.txt', what: 'zero bytes', expect: { status: 'scanned' }, make: write('') },
  // Parsers quote the text around a syntax error in their messages: these must not carry a value out.
  { file: 'text/broken.json', what: 'JSON cut off after a planted SSN', expect: { status: ['scanned', 'error'], reason: [undefined, 'corrupt'] }, make: write(`{"patient": {"name": "${PLANTED.name}", "ssn": "${PLANTED.ssn}", "dob": "${PLANTED.dob}", `) },
  { file: 'text/broken.xml', what: 'XML with an unclosed tag after planted values', expect: { status: ['scanned', 'error'], reason: [undefined, 'corrupt'] }, make: write(`<?xml version="1.0"?><patient><ssn>${PLANTED.ssn}</ssn><name>${PLANTED.name}<dob ${PLANTED.dob}`) },
  { file: 'text/broken.hl7', what: 'HL7 header, then a PID segment cut mid-field', expect: { status: ['scanned', 'error'], reason: [undefined, 'corrupt'] }, make: write(`MSH|^~\\&|LAB|CLINIC|||202401010000||ADT^A01|1|P|2.5\rPID|1||${PLANTED.mrn}^^^MRN||OKONKWO^HARRIET||19620314|F|||${PLANTED.ssn.slice(0, 6)}`) },
  { file: 'text/binary.txt', what: 'random bytes named .txt', expect: { status: 'skipped', reason: 'unsupported' }, make: write(noise(65_536, 13)) },
  { file: 'text/png-named.txt', what: 'PNG magic named .txt', expect: { status: 'skipped', reason: 'unsupported' }, make: write(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), noise(2000, 17)])) },
  { file: 'text/invalid-utf8.txt', what: 'UTF-8 text with stray 0xC3/0xFF bytes', expect: { status: 'scanned', findsSsn: true }, make: write(Buffer.concat([Buffer.from('caf\xc3 na\xefve \xff\xfe\n', 'latin1'), Buffer.from(PHI_LINE + '\n')])) },
  { file: 'text/utf16le-no-bom.txt', what: 'UTF-16LE without a BOM', expect: { status: 'scanned', findsSsn: true }, make: write(Buffer.from(`Referral note\n${PHI_LINE}\n`, 'utf16le')) },
  { file: 'text/utf16be-no-bom.txt', what: 'UTF-16BE without a BOM', expect: { status: 'scanned', findsSsn: true }, make: write(Buffer.from(`Referral note\n${PHI_LINE}\n`, 'utf16le').swap16()) },
  { file: 'text/nul-padded.log', what: 'log text with runs of NUL bytes (a crashed writer)', expect: { status: 'scanned', findsSsn: true }, make: write(Buffer.concat([Buffer.from(`2024-01-01 admit ${PHI_LINE}\n`), Buffer.alloc(4096), Buffer.from('2024-01-02 discharge\n')])) },
  { file: 'text/billion-laughs.xml', what: 'entity expansion in a plain XML file', expect: { status: 'scanned' }, make: write(`${BILLION_LAUGHS}<lolz>&lol9;</lolz>`) },
  { file: 'text/deep-nesting.xml', what: '200,000 nested elements', expect: { status: 'scanned', findsSsn: true }, make: write(`<?xml version="1.0"?>${'<a>'.repeat(200_000)}${PHI_LINE}${'</a>'.repeat(200_000)}`) },
  { file: 'text/deep-nesting.html', what: '200,000 nested <div>', expect: { status: 'scanned', findsSsn: true }, make: write(`<html><body>${'<div>'.repeat(200_000)}${PHI_LINE}</body></html>`) },
];

/** An XLSX whose sheet part is exactly `sheetXml` (no declaration or root added). */
function xlsxWithSheet(sheetXml: string | Buffer): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>' },
    { name: '_rels/.rels', data: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' },
    { name: 'xl/workbook.xml', data: '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' },
    { name: 'xl/_rels/workbook.xml.rels', data: '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' },
    { name: 'xl/worksheets/sheet1.xml', data: sheetXml },
  ]);
}

/** Files that must take a worker down: they need the small per-file limits the suite scans with. */
export const WORKER_CASES: HostileCase[] = [
  {
    file: 'workers/validation-whole-sheet.xlsx',
    what: 'one data-validation rule over every cell (exceljs alone walks 17 billion cells; the streaming reader ignores the rule)',
    // Which reader takes it, and which limit stops exceljs first, varies: all three outcomes account for it.
    expect: { status: ['scanned', 'error'], reason: [undefined, 'timeout', 'worker-crashed'] },
    make: write(xlsx(`<sheetData>${inlineRow(1, ['x'])}</sheetData><dataValidations count="1"><dataValidation type="whole" sqref="A1:XFD1048576"><formula1>1</formula1></dataValidation></dataValidations>`)),
  },
  {
    file: 'workers/merge-26-columns.xlsx',
    what: 'a merge of 26 whole columns (exceljs alone allocates every cell: 2 GiB in 10 s)',
    expect: { status: ['scanned', 'error'], reason: [undefined, 'worker-crashed', 'timeout'] },
    make: write(xlsx(`<sheetData>${inlineRow(1, ['x'])}</sheetData><mergeCells count="1"><mergeCell ref="A1:Z1048576"/></mergeCells>`)),
  },
];

export function writeCases(root: string, cases: readonly HostileCase[]): void {
  for (const c of cases) {
    const target = path.join(root, c.file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    c.make(target);
  }
}

/**
 * Cases made of file-system objects rather than bytes. Returns what each path must be reported as; paths are
 * relative to `root`, as the report spells them (a name that is not UTF-8 with `\xNN` escapes).
 */
export function writeFileSystemCases(root: string): { file: string; what: string; expect: Expectation }[] {
  const out: { file: string; what: string; expect: Expectation }[] = [];
  const at = (rel: string) => path.join(root, rel);
  fs.mkdirSync(at('special'), { recursive: true });
  execFileSync('mkfifo', [at('special/fifo')]);
  out.push({ file: 'special/fifo', what: 'a FIFO (a read would block forever)', expect: { status: 'skipped', reason: 'not-regular-file' } });
  fs.symlinkSync('/dev/null', at('special/dev-null-link'));
  out.push({ file: 'special/dev-null-link', what: 'symlink to /dev/null', expect: { status: 'skipped', reason: 'symlink' } });
  if (process.getuid?.() === 0) {
    execFileSync('mknod', [at('special/null-device'), 'c', '1', '3']);
    out.push({ file: 'special/null-device', what: 'a character device (mknod c 1 3)', expect: { status: 'skipped', reason: 'not-regular-file' } });
  }
  fs.mkdirSync(at('links/dir'), { recursive: true });
  fs.symlinkSync('loop-b', at('links/loop-a'));
  fs.symlinkSync('loop-a', at('links/loop-b'));
  fs.symlinkSync('..', at('links/dir/up'));
  for (const f of ['links/loop-a', 'links/loop-b']) out.push({ file: f, what: 'symlinks pointing at each other', expect: { status: 'skipped', reason: 'symlink' } });
  out.push({ file: 'links/dir/up', what: 'symlink to its own parent folder', expect: { status: 'skipped', reason: 'symlink' } });

  fs.mkdirSync(at('names'), { recursive: true });
  fs.writeFileSync(at('names/new\nline.txt'), `${PHI_LINE}\n`);
  out.push({ file: 'names/new\nline.txt', what: 'a newline in the name', expect: { status: 'scanned', findsSsn: true } });
  fs.writeFileSync(at('names/ spaces  everywhere .txt'), `${PHI_LINE}\n`);
  out.push({ file: 'names/ spaces  everywhere .txt', what: 'leading, doubled and trailing spaces', expect: { status: 'scanned', findsSsn: true } });
  fs.writeFileSync(Buffer.concat([Buffer.from(at('names/latin1-')), Buffer.from([0xe9, 0xff]), Buffer.from('.txt')]) as unknown as string, `${PHI_LINE}\n`);
  out.push({ file: 'names/latin1-\\xE9\\xFF.txt', what: 'name bytes that are not UTF-8 (Latin-1)', expect: { status: 'scanned', findsSsn: true } });

  // Each level is 200 characters: the first levels are reachable, the one past PATH_MAX (4096) is not.
  const segment = 'd'.repeat(200);
  execFileSync('bash', ['-c', `mkdir -p long && cd long && for i in $(seq 1 24); do mkdir ${segment} && cd ${segment} && printf '%s\\n' "$1" > f.txt; done`, 'bash', PHI_LINE], { cwd: root });
  let rel = 'long';
  for (let i = 1; i <= 24; i++) {
    rel += `/${segment}`;
    const full = path.join(root, rel, 'f.txt');
    if (Buffer.byteLength(full) < 4096) out.push({ file: `${rel}/f.txt`, what: `path of ${Buffer.byteLength(full)} bytes`, expect: { status: 'scanned', findsSsn: true } });
    else if (Buffer.byteLength(path.join(root, rel)) >= 4096) {
      out.push({ file: rel, what: 'folder whose path is longer than PATH_MAX', expect: { status: 'error', reason: 'read-error' } });
      break;
    }
  }

  const sparse = at('big/sparse-2g.bin');
  fs.mkdirSync(path.dirname(sparse), { recursive: true });
  fs.closeSync(fs.openSync(sparse, 'w'));
  fs.truncateSync(sparse, 2 * 1024 ** 3);
  out.push({ file: 'big/sparse-2g.bin', what: '2 GiB sparse file', expect: { status: 'skipped', reason: 'too-large' } });
  return out;
}
