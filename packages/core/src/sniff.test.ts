import { makeDocx, makePdf, makeXlsx } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { extractText } from './extract/index.js';
import { sniffFormat } from './sniff.js';

/**
 * The smallest OLE compound file a sniffer can read: a 512-byte header and one directory sector holding
 * the root entry and a stream named as an encrypted OOXML package names it.
 */
function oleWithStream(streamName: string): Uint8Array {
  const file = Buffer.alloc(512 * 3);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  file.writeUInt16LE(0x003e, 24); // minor version
  file.writeUInt16LE(0x0003, 26); // major version 3: 512-byte sectors
  file.writeUInt16LE(0xfffe, 28); // little-endian
  file.writeUInt16LE(9, 30); // sector shift
  file.writeUInt16LE(6, 32); // mini sector shift
  file.writeUInt32LE(1, 44); // one FAT sector
  file.writeUInt32LE(0, 48); // first directory sector
  file.writeUInt32LE(0x1000, 56); // mini stream cutoff
  file.writeUInt32LE(0xfffffffe, 60);
  file.writeUInt32LE(0xfffffffe, 68);
  file.writeUInt32LE(1, 76); // DIFAT[0]: FAT in sector 1
  for (let i = 80; i < 512; i += 4) file.writeUInt32LE(0xffffffff, i);
  const entry = (index: number, name: string, type: number): void => {
    const at = 512 + index * 128;
    file.write(name, at, 'utf16le');
    file.writeUInt16LE((name.length + 1) * 2, at + 64);
    file[at + 66] = type;
    file.writeUInt32LE(0xffffffff, at + 68);
    file.writeUInt32LE(0xffffffff, at + 72);
    file.writeUInt32LE(index === 0 ? 1 : 0xffffffff, at + 76);
  };
  entry(0, 'Root Entry', 5);
  entry(1, streamName, 2);
  // FAT sector: sector 0 (directory) ends its chain, sector 1 is the FAT itself.
  file.writeUInt32LE(0xfffffffe, 1024);
  file.writeUInt32LE(0xfffffffd, 1028);
  for (let i = 1032; i < 1536; i += 4) file.writeUInt32LE(0xffffffff, i);
  return file;
}

describe('sniffFormat', () => {
  it('goes by magic bytes before the extension', async () => {
    expect(sniffFormat(await makePdf([['x']]), 'report.txt')).toBe('pdf');
    expect(sniffFormat(makeDocx({ body: ['x'] }), 'letter.bin')).toBe('docx');
    expect(sniffFormat(await makeXlsx([{ name: 'S', rows: [['a']] }]), 'data.csv')).toBe('xlsx');
    expect(sniffFormat(zipSync({ 'ppt/presentation.xml': strToU8('<p/>') }), 'deck.pptx')).toBe('pptx');
    expect(sniffFormat(zipSync({ 'notes.txt': strToU8('x') }), 'deck.pptx')).toBe('zip-other');
  });

  it('finds %PDF- after junk in the first KiB', () => {
    expect(sniffFormat(Buffer.concat([Buffer.alloc(300, 0x20), Buffer.from('%PDF-1.7\n')]), 'x')).toBe('pdf');
  });

  it('takes a zip whose first member is a stored PDF for the zip it is', async () => {
    const stored = zipSync({ 'scan.pdf': await makePdf([['x']]), 'notes.txt': strToU8('x') }, { level: 0 });
    expect(sniffFormat(stored, 'exports.zip')).toBe('zip-other');
  });

  it('tells encrypted OOXML from legacy OLE documents', () => {
    expect(sniffFormat(oleWithStream('EncryptedPackage'), 'secret.docx')).toBe('ole-encrypted');
    expect(sniffFormat(oleWithStream('WordDocument'), 'old.doc')).toBe('doc');
    expect(sniffFormat(oleWithStream('SomethingElse'), 'old.doc')).toBe('ole');
  });

  it('recognises HL7 by content after a BOM and whitespace', () => {
    expect(sniffFormat(Buffer.from('\ufeff\r\n  MSH|^~\\&|A|B'), 'feed.txt')).toBe('hl7');
    expect(sniffFormat(Buffer.from('MSH|^~\\&|A|B'), 'feed')).toBe('hl7');
    expect(sniffFormat(Buffer.from('not hl7'), 'feed.hl7')).toBe('text');
  });

  it('recognises ASCII HL7 after tabs, line breaks, VT and FS (MLLP framing), and not after other characters', () => {
    expect(sniffFormat(Buffer.from('\t\v\x1c \r\nMSH|^~\\&|A|B'), 'feed.dat')).toBe('hl7');
    expect(sniffFormat(Buffer.from('\x0bMSH|^~\\&|A|B\r'), 'feed.dat')).toBe('hl7');
    expect(sniffFormat(Buffer.from('.MSH|^~\\&|A|B'), 'feed.dat')).toBe('text');
    expect(sniffFormat(Buffer.from('MSG|^~\\&|A|B'), 'feed.dat')).toBe('text');
  });

  it('goes by extension for text', () => {
    expect(sniffFormat(Buffer.from('a,b\n1,2'), 'x.CSV')).toBe('csv');
    expect(sniffFormat(Buffer.from('a\tb\n'), 'x.tsv')).toBe('tsv');
    expect(sniffFormat(Buffer.from('{"a":1}'), 'x.json')).toBe('json');
    expect(sniffFormat(Buffer.from('# Note'), 'x.md')).toBe('markdown');
    expect(sniffFormat(Buffer.from('plain words'), 'noext')).toBe('text');
    expect(sniffFormat(Buffer.from('Name: Zoë', 'utf16le'), 'x.weird')).toBe('text');
  });

  it('tells markup by how it opens, in any case, after a BOM and whitespace', () => {
    expect(sniffFormat(Buffer.from('\ufeff \n<!DOCTYPE HTML><p>x</p>'), 'page.txt')).toBe('html');
    expect(sniffFormat(Buffer.from('<HTML><body>x</body></HTML>'), 'page')).toBe('html');
    expect(sniffFormat(Buffer.from('<?XML version="1.0"?><!-- <html> --><note>x</note>'), 'export')).toBe('xml');
    expect(sniffFormat(Buffer.from('<?xml version="1.0"?>\n<HTML xmlns="http://www.w3.org/1999/xhtml"/>'), 'export')).toBe('html');
    expect(sniffFormat(Buffer.from('<note>x</note>'), 'export.XML')).toBe('xml');
    expect(sniffFormat(Buffer.from('<!-- x --><Html/>'), 'export.xml')).toBe('html');
    expect(sniffFormat(Buffer.from('  [INFO] started'), 'run.log')).toBe('json');
    expect(sniffFormat(Buffer.from('<!doctype htm'), 'short')).toBe('text');
  });

  it('calls known binary formats and NUL-laden data binary', () => {
    expect(sniffFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), 'a.txt')).toBe('binary');
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x41]), 'a.csv')).toBe('binary');
    expect(sniffFormat(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'a.log')).toBe('gzip');
    expect(sniffFormat(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'a')).toBe('binary');
    expect(sniffFormat(Buffer.from('abc\u0000def\u0001\u0002ghi'), 'a.txt')).toBe('binary');
    expect(sniffFormat(new Uint8Array(0), 'a.txt')).toBe('empty');
  });
});

describe('control bytes', () => {
  it('calls ASCII text binary past a tenth of control bytes, not below it', () => {
    const withControls = (share: number) => Buffer.from(Array.from({ length: 1000 }, (_, i) => (i % 100 < share ? 0x01 : 0x61)));
    expect(sniffFormat(withControls(9), 'a.txt')).toBe('text');
    expect(sniffFormat(withControls(11), 'a.txt')).toBe('binary');
  });
});

describe('sniffing a long text file by its opening', () => {
  // Past the sniff's short opening (256 bytes) and past its 16 KiB head: a format must be told the same either way.
  // ASCII text, and UTF-8 text (which the sniff decodes on another path).
  const prose = (bytes: number, line: string) => line.repeat(Math.ceil(bytes / line.length));
  const lines = ['Supplier meeting moved to Thursday, room 4. ', 'Zoë Müller moved the café order to Thursday. '];
  const longFiles = (opening: string) => lines.flatMap((line) => [2_000, 12_000, 40_000].map((bytes) => opening + prose(bytes, line)));

  it('still tells every format whose opening starts with a word: HL7, X12, mail and mbox', () => {
    for (const text of longFiles('MSH|^~\\&|LAB|CLINIC|EHR|CLINIC|20241015||ORU^R01|1|P|2.5\r')) expect(sniffFormat(Buffer.from(text), 'feed.dat')).toBe('hl7');
    const isa = 'ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *241015*1200*^*00501*000000001*0*P*:~';
    for (const text of longFiles(isa)) expect(sniffFormat(Buffer.from(text), 'claims.dat')).toBe('x12');
    for (const text of longFiles('From: a@b.example\nSubject: hi\n\n')) expect(sniffFormat(Buffer.from(text), 'saved.eml')).toBe('eml');
    // Headers that run past the opening: an mbox is read further, since its first line opens with `From `.
    const received = `Received: from ${'relay.example '.repeat(30)}\n`;
    for (const text of longFiles(`From a@b.example Tue Oct 15 10:00:00 2024\n${received}From: a@b.example\nSubject: hi\n\n`)) {
      expect(sniffFormat(Buffer.from(text), 'box.mbox')).toBe('mbox');
    }
  });

  it('still tells formats that open with a mark: RTF, FHIR JSON, JSON-like text, markup', () => {
    for (const text of longFiles('{\\rtf1\\ansi ')) expect(sniffFormat(Buffer.from(text), 'letter.doc')).toBe('rtf');
    for (const text of longFiles('{"resourceType":"Patient","text":"')) expect(sniffFormat(Buffer.from(`${text}"}`), 'export.txt')).toBe('fhir-json');
    for (const text of longFiles('[INFO] started ')) expect(sniffFormat(Buffer.from(text), 'run.log')).toBe('json');
    for (const text of longFiles('<html><body>')) expect(sniffFormat(Buffer.from(text), 'page')).toBe('html');
    for (const text of longFiles('  \n<?xml version="1.0"?><note>')) expect(sniffFormat(Buffer.from(text), 'export')).toBe('xml');
    // What decides them lies past the opening: the resource type, and the root after a long comment.
    for (const text of longFiles(`{ "text" : "${'seen today '.repeat(30)}", "resourceType": "Patient", "note": "`)) {
      expect(sniffFormat(Buffer.from(`${text}"}`), 'export.txt')).toBe('fhir-json');
    }
    const cda = `<?xml version="1.0"?>\n<!-- ${'exported by the lab '.repeat(20)}-->\n<ClinicalDocument xmlns="urn:hl7-org:v3"><text>`;
    for (const text of longFiles(cda)) expect(sniffFormat(Buffer.from(text), 'summary.txt')).toBe('cda');
  });

  it('reads past a plain opening where the extension or a long first word asks it to', () => {
    // An .xml file whose root is html anywhere in its first 4 KiB is a page, however it opens.
    for (const text of longFiles(`Exported by the lab\n${'<!-- export -->\n'.repeat(30)}<html><body>`)) {
      expect(sniffFormat(Buffer.from(text), 'page.xml')).toBe('html');
    }
    // A first word longer than the opening, then a colon: a mail header name for all the short opening knows.
    const header = `X-${'a'.repeat(300)}: 1\nFrom: a@b.example\nSubject: hi\n\n`;
    for (const text of longFiles(header)) expect(sniffFormat(Buffer.from(text), 'saved.eml')).toBe('eml');
  });

  it('still reads text whose opening holds a NUL as its samples decide: here BOM-less UTF-16 HL7, then padding', () => {
    const message = `MSH|^~\\&|LAB|CLINIC|EHR|CLINIC|20241015||ORU^R01|1|P|2.5\r${'PID|1||12345||Doe^Jane\r'.repeat(120)}`;
    const utf16 = Buffer.from(message.slice(0, 2048), 'utf16le');
    const file = Buffer.concat([utf16, Buffer.alloc(45_000), Buffer.from('Zoë tail text\n'.repeat(100))]);
    expect(sniffFormat(file, 'feed.dat')).toBe('hl7');
  });

  it('calls text what opens with a word, whatever markup comes later', () => {
    for (const text of longFiles('Patient seen today. <html> {"resourceType":"Patient"} MSH|^~\\&|\n')) {
      expect(sniffFormat(Buffer.from(text), 'note.txt')).toBe('text');
      expect(sniffFormat(Buffer.from(text), 'note')).toBe('text');
      expect(sniffFormat(Buffer.from(text), 'note.csv')).toBe('csv');
    }
  });
});

describe('plain text read whole by the sniff', () => {
  it('extracts the text of the file sniffed, not of the one sniffed before it', async () => {
    const first = Buffer.from('Patient notes, first file.\nSeen on Tuesday.\n');
    const second = Buffer.from('Second file, other words.\n');
    const large = Buffer.from(`${'word '.repeat(4000)}\nend of a file larger than the sniff's head\n`);
    const textOf = async (bytes: Uint8Array, path: string) => {
      const result = await extractText(bytes, path);
      return result.ok ? result.segments.map((segment) => segment.text).join('') : undefined;
    };
    expect(sniffFormat(first, 'a.txt')).toBe('text');
    expect(await textOf(second, 'b.txt')).toBe(second.toString('latin1'));
    expect(await textOf(first, 'a.txt')).toBe(first.toString('latin1'));
    expect(await textOf(Buffer.from(first), 'a.txt')).toBe(first.toString('latin1'));
    expect(await textOf(large, 'c.txt')).toBe(large.toString('latin1'));
    expect(await textOf(first, 'a.txt')).toBe(first.toString('latin1'));
  });
});

describe('extractText on containers', () => {
  it('reports encrypted OOXML as encrypted', async () => {
    expect(await extractText(oleWithStream('EncryptedPackage'), 'secret.xlsx')).toMatchObject({ ok: false, reason: 'encrypted' });
  });
  it('reports an OLE file of no known application as unsupported, a damaged Word container as corrupt', async () => {
    expect(await extractText(oleWithStream('SomethingElse'), 'old.bin')).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(await extractText(oleWithStream('WordDocument'), 'old.doc')).toMatchObject({ ok: false, reason: 'corrupt', format: 'doc' });
  });
});
