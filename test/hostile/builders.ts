import crypto from 'node:crypto';
import zlib from 'node:zlib';

/**
 * Byte-level writers for hostile files. Written here rather than taken from a zip or PDF library because the
 * point is to produce what those libraries refuse to write: sizes that lie, streams cut short, DTDs in OOXML
 * parts, an /Encrypt dictionary nobody can open.
 */

export interface ZipPart {
  name: string;
  data: Uint8Array | string;
  /** Stored instead of deflated. */
  store?: boolean;
  /** Uncompressed size to claim in the headers instead of the real one (a bomb lies). */
  declaredSize?: number;
  /** Already deflated data (a bomb too big to build as one buffer); `data` is then ignored. */
  deflated?: { body: Buffer; size: number; crc: number };
}

/**
 * A deflate stream of `size` spaces built from one compressed megabyte repeated: full-flush blocks are
 * byte-aligned and self-contained, so they concatenate, and an empty final block ends the stream. Builds a
 * 600 MB bomb in milliseconds instead of compressing 600 MB.
 */
export function spaceBomb(size: number): NonNullable<ZipPart['deflated']> {
  const mib = 1024 * 1024;
  const chunk = Buffer.alloc(mib, 0x20);
  const block = zlib.deflateRawSync(chunk, { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const count = Math.ceil(size / mib);
  let crc = 0;
  for (let i = 0; i < count; i++) crc = zlib.crc32(chunk, crc);
  return { body: Buffer.concat([...Array.from({ length: count }, () => block), Buffer.from([0x03, 0x00])]), size: count * mib, crc };
}

const bytesOf = (data: Uint8Array | string): Buffer => (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data));

/** A ZIP archive (no zip64, no data descriptors): local headers, data, central directory, end record. */
export function zip(parts: readonly ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const raw = part.deflated ? Buffer.alloc(0) : bytesOf(part.data);
    const body = part.deflated?.body ?? (part.store ? raw : zlib.deflateRawSync(raw, { level: 9 }));
    const name = Buffer.from(part.name, 'utf8');
    const crc = part.deflated?.crc ?? zlib.crc32(raw);
    const size = part.declaredSize ?? part.deflated?.size ?? raw.length;
    const method = part.store ? 0 : 8;
    // Local and central headers share this run of fields, the central one two bytes further on.
    const fields = (header: Buffer, at: number) => {
      header.writeUInt16LE(0x0800, at);
      header.writeUInt16LE(method, at + 2);
      header.writeUInt32LE(crc, at + 8);
      header.writeUInt32LE(body.length, at + 12);
      header.writeUInt32LE(size, at + 16);
      header.writeUInt16LE(name.length, at + 20);
      return header;
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    fields(local, 6);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    fields(central, 8);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function docxBody(paragraphs: readonly string[]): string {
  const ps = paragraphs.map((t) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(t)}</w:t></w:r></w:p>`).join('');
  return `${XML_DECL}<w:document xmlns:w="${W_NS}"><w:body>${ps}</w:body></w:document>`;
}

const DOCX_TYPES =
  `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const DOCX_RELS =
  `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';

/** A DOCX whose body part is `documentXml` as given (so it can be hostile XML). */
export function docx(documentXml: string | Uint8Array, extra: ZipPart[] = [], bodyPart: Partial<ZipPart> = {}): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: DOCX_TYPES },
    { name: '_rels/.rels', data: DOCX_RELS },
    { name: 'word/document.xml', data: documentXml, ...bodyPart },
    ...extra,
  ]);
}

/** A minimal XLSX exceljs opens: one sheet whose <worksheet> children are `sheetInner`, inline strings. */
export function xlsx(sheetInner: string, sharedStrings?: ZipPart): Buffer {
  const types =
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    (sharedStrings ? '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' : '') +
    '</Types>';
  const rels =
    `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>';
  const workbook =
    `${XML_DECL}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>';
  const workbookRels =
    `${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    (sharedStrings ? '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' : '') +
    '</Relationships>';
  const sheet = `${XML_DECL}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${sheetInner}</worksheet>`;
  return zip([
    { name: '[Content_Types].xml', data: types },
    { name: '_rels/.rels', data: rels },
    { name: 'xl/workbook.xml', data: workbook },
    { name: 'xl/_rels/workbook.xml.rels', data: workbookRels },
    { name: 'xl/worksheets/sheet1.xml', data: sheet },
    ...(sharedStrings ? [sharedStrings] : []),
  ]);
}

export function inlineRow(row: number, cells: readonly string[]): string {
  const cols = cells.map((text, i) => `<c r="${String.fromCharCode(65 + i)}${row}" t="inlineStr"><is><t>${escapeXml(text)}</t></is></c>`);
  return `<row r="${row}">${cols.join('')}</row>`;
}

/**
 * A PDF from numbered object bodies, with a correct xref table so a reader takes the fast path; `trailer`
 * adds keys to the trailer dictionary (an /Encrypt reference, say).
 */
export function pdf(objects: readonly (string | Buffer)[], trailer = ''): Buffer {
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = chunks[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    chunks.push(chunk);
    offset += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${offset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

export function pdfStream(content: string | Buffer, flate = false): Buffer {
  const raw = typeof content === 'string' ? Buffer.from(content, 'latin1') : content;
  const data = flate ? zlib.deflateSync(raw) : raw;
  return Buffer.concat([Buffer.from(`<< /Length ${data.length}${flate ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
}

/** Helvetica text operators drawing one line each, top down. */
function textOperators(lines: readonly string[]): string {
  return lines.map((l, i) => `BT /F1 11 Tf 56 ${740 - i * 16} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`).join('\n');
}

/** A one-page text PDF; `lines` are drawn in Helvetica. */
export function textPdf(lines: readonly string[], extraTrailer = '', extraObjects: readonly string[] = []): Buffer {
  const ops = textOperators(lines);
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      pdfStream(ops),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      ...extraObjects,
    ],
    extraTrailer,
  );
}

/**
 * A PDF behind a user password: a standard security handler (RC4, revision 3) whose /U entry no empty
 * password produces, which is what a password-protected file is to a reader without the password.
 */
export function encryptedPdf(): Buffer {
  const hex = (byte: number) => `<${byte.toString(16).padStart(2, '0').repeat(32)}>`;
  return textPdf(
    ['Patient: protected'],
    '/Encrypt 6 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] ',
    [`<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O ${hex(0x5a)} /U ${hex(0xa5)} >>`],
  );
}

const PASSWORD_PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
}

/**
 * A PDF encrypted with an empty user password (standard handler, RC4 40-bit, revision 2): readers open it
 * without asking, but its bytes are encrypted. The key is MD5(pad ‖ O ‖ P ‖ ID) cut to 5 bytes; each stream
 * is RC4 with MD5(key ‖ object number ‖ generation) cut to 10 bytes.
 */
export function emptyPasswordPdf(lines: readonly string[]): Buffer {
  const owner = Buffer.alloc(32, 0x4f);
  const permissions = -44;
  const id = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = crypto.createHash('md5').update(Buffer.concat([PASSWORD_PAD, owner, p, id])).digest().subarray(0, 5);
  const user = rc4(key, PASSWORD_PAD);
  const objectKey = (num: number) => crypto.createHash('md5').update(Buffer.concat([key, Buffer.from([num & 0xff, (num >> 8) & 0xff, num >> 16, 0, 0])])).digest().subarray(0, 10);
  const ops = textOperators(lines);
  const content = rc4(objectKey(4), Buffer.from(ops, 'latin1'));
  const hex = (b: Buffer) => `<${b.toString('hex')}>`;
  return pdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
      pdfStream(content),
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      `<< /Filter /Standard /V 1 /R 2 /O ${hex(owner)} /U ${hex(user)} /P ${permissions} >>`,
    ],
    `/Encrypt 6 0 R /ID [${hex(id)} ${hex(id)}] `,
  );
}

/**
 * An OLE compound file holding an `EncryptionInfo` and an `EncryptedPackage` stream: what Office writes for a
 * password-protected DOCX or XLSX. Sector 0 is the FAT, sector 1 the directory, sectors 2-3 stream data.
 */
export function encryptedOffice(): Buffer {
  const sector = 512;
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 24);
  header.writeUInt16LE(3, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(1, 44); // FAT sectors
  header.writeUInt32LE(1, 48); // first directory sector
  header.writeUInt32LE(0x1000, 56);
  header.writeUInt32LE(0xfffffffe, 60);
  header.writeUInt32LE(0xfffffffe, 68);
  header.writeUInt32LE(0, 76); // DIFAT[0] = sector 0
  for (let i = 1; i < 109; i++) header.writeUInt32LE(0xffffffff, 76 + i * 4);
  const fat = Buffer.alloc(sector, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(0xfffffffe, 4);
  fat.writeUInt32LE(0xfffffffe, 8);
  fat.writeUInt32LE(0xfffffffe, 12);
  const dir = Buffer.alloc(sector);
  const entry = (index: number, name: string, type: number, start: number, size: number, left = 0xffffffff, right = 0xffffffff, child = 0xffffffff) => {
    const at = index * 128;
    dir.write(name, at, 'utf16le');
    dir.writeUInt16LE((name.length + 1) * 2, at + 64);
    dir[at + 66] = type;
    dir[at + 67] = 1;
    dir.writeUInt32LE(left, at + 68);
    dir.writeUInt32LE(right, at + 72);
    dir.writeUInt32LE(child, at + 76);
    dir.writeUInt32LE(start, at + 116);
    dir.writeUInt32LE(size, at + 120);
  };
  entry(0, 'Root Entry', 5, 0xfffffffe, 0, 0xffffffff, 0xffffffff, 1);
  entry(1, 'EncryptionInfo', 2, 2, 200, 0xffffffff, 2);
  entry(2, 'EncryptedPackage', 2, 3, 4096);
  for (let i = 3; i < 4; i++) entry(i, '', 0, 0, 0);
  const info = Buffer.alloc(sector);
  info.writeUInt16LE(4, 0);
  info.writeUInt16LE(4, 2);
  const data = Buffer.alloc(sector);
  for (let i = 0; i < sector; i++) data[i] = (i * 131 + 7) & 0xff;
  return Buffer.concat([header, fat, dir, info, data]);
}

/** Deterministic pseudo-random bytes (no Math.random in fixtures: a failure must reproduce). */
export function noise(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}
