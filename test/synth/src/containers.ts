/**
 * Containers for the example share, written by hand so the bytes depend on the content alone: ustar archives,
 * gzip with a zero mtime, zips with fixed local-time entry dates, a zip member flagged as password protected,
 * an OLE compound file holding a Word 97 document, and minimal PPTX and ODT packages.
 */
import { gzipSync, strToU8, zipSync, type Zippable } from 'fflate';
import { escapeXml as xmlEscape } from './format.js';

/**
 * Zip entries carry DOS local time: a *local* date gives the same bytes in every time zone (see stableZip).
 * Entry order is the object's key order.
 */
export function fixedZip(entries: Record<string, Uint8Array>, when = new Date(2024, 0, 1), level: 0 | 6 = 6): Uint8Array {
  const zippable: Zippable = {};
  for (const [name, data] of Object.entries(entries)) zippable[name] = [data, { level, mtime: when }];
  return zipSync(zippable);
}

/**
 * gzip with a fixed header mtime (an instant, so no time zone is involved), no file name and OS "unix". fflate
 * rather than node:zlib: a pinned pure-JS deflate gives the same bytes on every Node version and platform.
 */
export function fixedGzip(data: Uint8Array, mtime = new Date(Date.UTC(2019, 4, 6, 12, 0, 0))): Uint8Array {
  const out = gzipSync(data, { level: 6, mtime });
  out[9] = 3;
  return out;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** A POSIX ustar archive of regular files (mode 0644, uid/gid 0, the given mtime in seconds since the epoch). */
export function ustar(files: { name: string; data: Uint8Array }[], mtimeSeconds: number): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const f of files) {
    if (f.name.length > 100) throw new RangeError(`tar name too long: ${f.name}`);
    const header = new Uint8Array(512);
    const put = (offset: number, s: string) => header.set(strToU8(s), offset);
    put(0, f.name);
    put(100, octal(0o644, 8));
    put(108, octal(0, 8));
    put(116, octal(0, 8));
    put(124, octal(f.data.length, 12));
    put(136, octal(mtimeSeconds, 12));
    put(148, '        ');
    put(156, '0');
    put(257, 'ustar\u000000');
    put(265, 'root');
    put(297, 'root');
    let sum = 0;
    for (const b of header) sum += b;
    put(148, sum.toString(8).padStart(6, '0') + '\0 ');
    blocks.push(header);
    const body = new Uint8Array(Math.ceil(f.data.length / 512) * 512);
    body.set(f.data);
    blocks.push(body);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of blocks) {
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/**
 * Sets general-purpose bit 0 ("encrypted", as ZipCrypto writes it) on every local and central header: what a
 * password-protected member looks like to a reader. Callers store noise as the member, so that nothing
 * readable hides behind the flag.
 */
export function markZipEncrypted(zip: Uint8Array): Uint8Array {
  const out = new Uint8Array(zip);
  const dv = new DataView(out.buffer);
  let i = 0;
  while (i + 30 <= out.length) {
    const sig = dv.getUint32(i, true);
    if (sig === 0x04034b50) {
      dv.setUint16(i + 6, dv.getUint16(i + 6, true) | 1, true);
      i += 30 + dv.getUint16(i + 26, true) + dv.getUint16(i + 28, true) + dv.getUint32(i + 18, true);
    } else if (sig === 0x02014b50) {
      dv.setUint16(i + 8, dv.getUint16(i + 8, true) | 1, true);
      i += 46 + dv.getUint16(i + 28, true) + dv.getUint16(i + 30, true) + dv.getUint16(i + 32, true);
    } else {
      break;
    }
  }
  return out;
}

const SECTOR = 512;
const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const FATSECT = 0xfffffffd;
const NOSTREAM = 0xffffffff;

/**
 * A version 3 OLE compound file with the given streams in the root storage. Every stream is padded to the
 * mini-stream cutoff (4096 bytes) so all of them live in regular sectors and no mini FAT is needed; one FAT
 * sector, one directory sector. At most three streams, each under 28 KiB: enough for fixtures.
 */
export function compoundFile(streams: { name: string; data: Uint8Array }[]): Uint8Array {
  if (streams.length > 3) throw new RangeError('compoundFile: at most three streams');
  const padded = streams.map((s) => {
    const size = Math.max(4096, Math.ceil(s.data.length / SECTOR) * SECTOR);
    const data = new Uint8Array(size);
    data.set(s.data);
    return { name: s.name, data };
  });
  const sectorsNeeded = 2 + padded.reduce((n, s) => n + s.data.length / SECTOR, 0);
  if (sectorsNeeded > SECTOR / 4) throw new RangeError('compoundFile: streams too large for one FAT sector');

  const fat = new Uint32Array(SECTOR / 4).fill(FREESECT);
  fat[0] = FATSECT;
  fat[1] = ENDOFCHAIN;
  let next = 2;
  const starts = padded.map((s) => {
    const start = next;
    const count = s.data.length / SECTOR;
    for (let k = 0; k < count; k++) fat[start + k] = k === count - 1 ? ENDOFCHAIN : start + k + 1;
    next += count;
    return start;
  });

  const header = new Uint8Array(SECTOR);
  const hv = new DataView(header.buffer);
  header.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 0);
  hv.setUint16(24, 0x003e, true);
  hv.setUint16(26, 0x0003, true);
  hv.setUint16(28, 0xfffe, true);
  hv.setUint16(30, 9, true);
  hv.setUint16(32, 6, true);
  hv.setUint32(44, 1, true); // FAT sectors
  hv.setUint32(48, 1, true); // first directory sector
  hv.setUint32(56, 4096, true);
  hv.setUint32(60, ENDOFCHAIN, true); // no mini FAT
  hv.setUint32(64, 0, true);
  hv.setUint32(68, ENDOFCHAIN, true); // no DIFAT sectors
  hv.setUint32(72, 0, true);
  for (let k = 0; k < 109; k++) hv.setUint32(76 + k * 4, k === 0 ? 0 : FREESECT, true);

  // Directory: root, then the streams as a degenerate (all black, right-leaning) sibling tree in CFB name order.
  const order = padded.map((s, i) => i).sort((a, b) => {
    const x = padded[a]!.name.toUpperCase();
    const y = padded[b]!.name.toUpperCase();
    return x.length - y.length || (x < y ? -1 : x > y ? 1 : 0);
  });
  const dir = new Uint8Array(SECTOR);
  const dv = new DataView(dir.buffer);
  const entry = (index: number, name: string, type: number, right: number, child: number, start: number, size: number) => {
    const o = index * 128;
    for (let k = 0; k < name.length; k++) dv.setUint16(o + k * 2, name.charCodeAt(k), true);
    dv.setUint16(o + 64, (name.length + 1) * 2, true);
    dir[o + 66] = type;
    dir[o + 67] = 1;
    dv.setUint32(o + 68, NOSTREAM, true);
    dv.setUint32(o + 72, right, true);
    dv.setUint32(o + 76, child, true);
    dv.setUint32(o + 116, start, true);
    dv.setUint32(o + 120, size, true);
  };
  entry(0, 'Root Entry', 5, NOSTREAM, order.length > 0 ? order[0]! + 1 : NOSTREAM, ENDOFCHAIN, 0);
  order.forEach((streamIndex, k) => {
    const s = padded[streamIndex]!;
    const right = k + 1 < order.length ? order[k + 1]! + 1 : NOSTREAM;
    entry(streamIndex + 1, s.name, 2, right, NOSTREAM, starts[streamIndex]!, s.data.length);
  });
  for (let index = padded.length + 1; index < 4; index++) {
    const o = index * 128;
    dv.setUint32(o + 68, NOSTREAM, true);
    dv.setUint32(o + 72, NOSTREAM, true);
    dv.setUint32(o + 76, NOSTREAM, true);
  }

  const out = new Uint8Array(SECTOR * (1 + sectorsNeeded));
  out.set(header, 0);
  out.set(new Uint8Array(fat.buffer), SECTOR);
  out.set(dir, SECTOR * 2);
  padded.forEach((s, i) => out.set(s.data, SECTOR * (1 + starts[i]!)));
  return out;
}

/**
 * A Word 97–2003 .doc reduced to what a reader of the text needs: the FIB (magic 0xA5EC, fWhichTblStm so the
 * table stream is 1Table, fcClx/lcbClx), the text as one 8-bit (Windows-1252) piece with paragraphs ended by CR,
 * and the piece table (Clx → PlcPcd) in 1Table. ASCII paragraphs only.
 */
export function makeWord97Doc(paragraphs: readonly string[]): Uint8Array {
  const text = paragraphs.map((p) => `${p}\r`).join('');
  if (/[^\x20-\x7e\r]/.test(text)) throw new RangeError('makeWord97Doc: printable ASCII only');
  const textOffset = 0x800;
  const word = new Uint8Array(textOffset + text.length);
  const wv = new DataView(word.buffer);
  wv.setUint16(0, 0xa5ec, true); // wIdent
  wv.setUint16(2, 0x00c1, true); // nFib: Word 97
  wv.setUint16(0x0a, 0x0200, true); // fWhichTblStm
  wv.setUint32(0x18, textOffset, true); // fcMin
  wv.setUint32(0x1c, textOffset + text.length, true); // fcMac
  wv.setUint32(0x4c, text.length, true); // ccpText
  word.set(strToU8(text), textOffset);
  // PlcPcd: CPs [0, n], then one 8-byte PCD whose fc has bit 30 set (compressed, byte offset = fc / 2).
  const plc = new Uint8Array(8 + 8);
  const pv = new DataView(plc.buffer);
  pv.setUint32(0, 0, true);
  pv.setUint32(4, text.length, true);
  pv.setUint32(8 + 2, ((textOffset * 2) | 0x40000000) >>> 0, true);
  const clx = new Uint8Array(5 + plc.length);
  clx[0] = 0x02;
  new DataView(clx.buffer).setUint32(1, plc.length, true);
  clx.set(plc, 5);
  const fcClx = 16;
  const table = new Uint8Array(fcClx + clx.length);
  table.set(clx, fcClx);
  wv.setUint32(0x01a2, fcClx, true);
  wv.setUint32(0x01a6, clx.length, true);
  return compoundFile([{ name: 'WordDocument', data: word }, { name: '1Table', data: table }]);
}

const PKG_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PML = 'application/vnd.openxmlformats-officedocument.presentationml';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** A minimal PPTX: one text box per slide (each string a paragraph), optional speaker notes per slide. */
export function makePptx(slides: { paragraphs: string[]; notes?: string[] }[]): Uint8Array {
  const ns = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' +
    `xmlns:r="${OFFICE_REL}" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`;
  const txBody = (paras: string[]) =>
    `<p:txBody><a:bodyPr/><a:lstStyle/>${paras.map((t) => `<a:p><a:r><a:rPr lang="en-US"/><a:t>${xmlEscape(t)}</a:t></a:r></a:p>`).join('')}</p:txBody>`;
  const shape = (id: number, paras: string[]) =>
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="Text ${id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr/>${txBody(paras)}</p:sp>`;
  const tree = (inner: string) =>
    `<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${inner}</p:spTree></p:cSld>`;
  const files: Record<string, Uint8Array> = {};
  const overrides: string[] = [`<Override PartName="/ppt/presentation.xml" ContentType="${PML}.presentation.main+xml"/>`];
  slides.forEach((s, i) => {
    const n = i + 1;
    files[`ppt/slides/slide${n}.xml`] = strToU8(`${XML_DECL}<p:sld ${ns}>${tree(shape(2, s.paragraphs))}</p:sld>`);
    overrides.push(`<Override PartName="/ppt/slides/slide${n}.xml" ContentType="${PML}.slide+xml"/>`);
    if (s.notes && s.notes.length > 0) {
      files[`ppt/notesSlides/notesSlide${n}.xml`] = strToU8(`${XML_DECL}<p:notes ${ns}>${tree(shape(2, s.notes))}</p:notes>`);
      files[`ppt/slides/_rels/slide${n}.xml.rels`] = strToU8(
        `${XML_DECL}<Relationships xmlns="${PKG_RELS}"><Relationship Id="rId1" Type="${OFFICE_REL}/notesSlide" Target="../notesSlides/notesSlide${n}.xml"/></Relationships>`);
      overrides.push(`<Override PartName="/ppt/notesSlides/notesSlide${n}.xml" ContentType="${PML}.notesSlide+xml"/>`);
    }
  });
  const slideIds = slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('');
  const ordered: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(`${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' + overrides.join('') + '</Types>'),
    '_rels/.rels': strToU8(`${XML_DECL}<Relationships xmlns="${PKG_RELS}"><Relationship Id="rId1" Type="${OFFICE_REL}/officeDocument" Target="ppt/presentation.xml"/></Relationships>`),
    'ppt/presentation.xml': strToU8(`${XML_DECL}<p:presentation ${ns}><p:sldIdLst>${slideIds}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`),
    'ppt/_rels/presentation.xml.rels': strToU8(`${XML_DECL}<Relationships xmlns="${PKG_RELS}">` +
      slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${OFFICE_REL}/slide" Target="slides/slide${i + 1}.xml"/>`).join('') + '</Relationships>'),
    ...files,
  };
  return fixedZip(ordered);
}

const ODF_NS = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"';

/** A minimal ODT: `mimetype` stored first, paragraphs in content.xml, an optional page header in styles.xml. */
export function makeOdt(paragraphs: string[], header: string[] = []): Uint8Array {
  const p = (t: string) => `<text:p>${xmlEscape(t)}</text:p>`;
  const mimetype = 'application/vnd.oasis.opendocument.text';
  const zippable: Zippable = {
    mimetype: [strToU8(mimetype), { level: 0, mtime: new Date(2024, 0, 1) }],
    'content.xml': [strToU8(`<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content ${ODF_NS} office:version="1.3"><office:body><office:text>${paragraphs.map(p).join('')}</office:text></office:body></office:document-content>`), { level: 6, mtime: new Date(2024, 0, 1) }],
    'styles.xml': [strToU8(`<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles ${ODF_NS} office:version="1.3"><office:master-styles><style:master-page style:name="Standard">${header.length > 0 ? `<style:header>${header.map(p).join('')}</style:header>` : ''}</style:master-page></office:master-styles></office:document-styles>`), { level: 6, mtime: new Date(2024, 0, 1) }],
    'META-INF/manifest.xml': [strToU8('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
      `<manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/>` +
      '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>' +
      '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/></manifest:manifest>'), { level: 6, mtime: new Date(2024, 0, 1) }],
  };
  return zipSync(zippable);
}
