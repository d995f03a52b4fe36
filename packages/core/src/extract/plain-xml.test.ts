import { makeDocx, makeXlsx } from '@phi-scan/synth';
import { extractDocx } from './docx.js';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { NotPlainXml, scanPlainXml, type AttributeReader } from './plain-xml.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult } from './types.js';
import { readXlsxStreaming } from './xlsx-stream.js';

/** The bytes at `byteOffset` into a buffer of their own, so the scanner meets every alignment of its words. */
function at(bytes: Uint8Array, byteOffset: number): Uint8Array {
  const holder = new Uint8Array(byteOffset + bytes.length);
  holder.set(bytes, byteOffset);
  return holder.subarray(byteOffset);
}

/** What a handler sees: local names, the attributes asked for by name, text joined between tags. */
function scanned(xml: string, asked: string[], byteOffset = 0): string[] {
  const events: string[] = [];
  let text = '';
  const flush = (): void => {
    if (text) events.push(`text ${JSON.stringify(text)}`);
    text = '';
  };
  scanPlainXml(at(strToU8(xml), byteOffset), {
    open(name, a: AttributeReader) {
      flush();
      events.push(`open ${name} ${JSON.stringify(asked.map((n) => a.get(n) ?? null))} ${JSON.stringify(a.local('id') ?? null)}`);
    },
    close(name) {
      flush();
      events.push(`close ${name}`);
    },
    text(t) {
      text += t;
    },
  });
  flush();
  return events;
}

/** The same through saxes, as xlsx-stream read every part before. */
function bySaxes(xml: string, asked: string[]): string[] {
  const events: string[] = [];
  let text = '';
  let depth = 0;
  const flush = (): void => {
    if (text && depth > 0) events.push(`text ${JSON.stringify(text)}`);
    text = '';
  };
  const local = (name: string): string => name.slice(name.indexOf(':') + 1);
  const parser = new SaxesParser({ position: false });
  parser.on('opentag', (tag) => {
    flush();
    depth++;
    const attributes = tag.attributes as Record<string, string>;
    const id = 'id' in attributes ? attributes['id'] : Object.entries(attributes).find(([k]) => local(k) === 'id')?.[1];
    events.push(`open ${local(tag.name)} ${JSON.stringify(asked.map((n) => attributes[n] ?? null))} ${JSON.stringify(id ?? null)}`);
  });
  parser.on('closetag', (tag) => {
    flush();
    depth--;
    events.push(`close ${local(tag.name)}`);
  });
  parser.on('text', (t) => (text += t));
  parser.on('cdata', (t) => (text += t));
  parser.write(xml).close();
  flush();
  return events;
}

/** A seeded generator of small documents in the subset the scanner takes. */
function randomDocument(seed: number): string {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const pieces = ['a', 'Zq', 'é', '日本', '😀', ' ', '\t', '\n', '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#65;', '&#x1F600;', '>', ']', ']]', "'", '"'];
  const words = (count: number, inAttribute: boolean): string => {
    let s = '';
    for (let i = 0; i < count; i++) {
      const p = pieces[next(pieces.length)]!;
      if (inAttribute && (p === '"' || p === '\t' || p === '\n' || p === ']]')) continue;
      if (!inAttribute && p === ']]') s += ']] ';
      else s += p;
    }
    return s;
  };
  const names = ['c', 'x:c', 'v', 'row', 'si', 't', 'r:is', 'sheetData'];
  const element = (depth: number): string => {
    const name = names[next(names.length)]!;
    const attributes = ['r', 's', 'r:id', 'id', 't']
      .filter(() => next(3) === 0)
      .map((n) => ` ${n}="${words(next(4), true)}"`)
      .join(next(2) ? ' ' : '\n');
    if (next(4) === 0) return `<${name}${attributes}/>`;
    let body = '';
    for (let i = next(depth > 3 ? 1 : 4); i >= 0; i--) {
      const kind = next(5);
      if (kind === 0 && depth < 6) body += element(depth + 1);
      else if (kind === 1) body += `<![CDATA[${words(next(5), false).replace(/]]/g, '] ]')}&amp;]]>`;
      else if (kind === 2) body += `<!-- ${words(next(3), true).replace(/-/g, '')} -->`;
      else body += words(next(6), false);
    }
    return `<${name}${attributes}>${body}</${name}${next(3) === 0 ? ' ' : ''}>`;
  };
  return `${next(2) ? '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' : ''}${element(0)}${next(2) ? '\n' : ''}`;
}

describe('scanPlainXml', () => {
  it('gives the handlers what saxes gives them, on documents of every construct it takes', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const xml = randomDocument(seed);
      expect(scanned(xml, ['r', 's', 't', 'r:id']), xml).toEqual(bySaxes(xml, ['r', 's', 't', 'r:id']));
    }
  });

  it('leaves to the full parser what it does not take, well-formed or not', () => {
    const notPlain = [
      '<a>\r\n</a>', // line ends a full parser normalises
      '<a b="x\ty"/>', // attribute whitespace it normalises
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<?xml version="1.1"?><a/>',
      '<a><?pi x?></a>',
      '<é/>',
      '<a>&nbsp;</a>',
      '<a>&#0;</a>',
      '<a>&#X41;</a>',
      '<a>\u0001</a>',
      '<a>\uFFFE</a>',
      '<a>]]></a>',
      '<a b="1" b="2"/>',
      '<a b="<"/>',
      '<a b="1"c="2"/>',
      '<a b = "1"/>',
      '<a></b>',
      '<a>',
      '<a/><b/>',
      '<a/>x',
      '',
      '<a><!-- x -- y --></a>',
      '<a/ >',
    ];
    for (const xml of notPlain) expect(() => scanned(xml, []), JSON.stringify(xml)).toThrow(NotPlainXml);
    expect(() => scanPlainXml(new Uint8Array([0xff, 0xfe, 0x3c, 0x00]), {})).toThrow(NotPlainXml);
    // A byte sequence that is not UTF-8, in text a handler reads.
    expect(() => scanPlainXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), { text() {} })).toThrow(NotPlainXml);
  });
});

describe('scanPlainXml over long text runs', () => {
  // Plain text is skipped four bytes at a time where the bytes are aligned: what it must stop at may sit at
  // any offset in a word, and the part at any offset in its buffer.
  const run = 'Routine follow-up visit, no changes to the plan of care. ';
  const layouts = (piece: string): string[] =>
    Array.from({ length: 12 }, (_, k) => `<w:p><w:t>${run.slice(0, k)}${piece}${run}${run.slice(0, 11 - k)}</w:t><w:t>${run}</w:t></w:p>`);

  it('reads each special piece as saxes does, wherever it falls', () => {
    for (const piece of ['&amp;', '&#x1F600;', 'é', '日本', ']', ']]', '>', '\t', '\n', '"', "'", '']) {
      for (const xml of layouts(piece)) {
        const expected = bySaxes(xml, []);
        for (let byteOffset = 0; byteOffset < 4; byteOffset++) expect(scanned(xml, [], byteOffset), `${JSON.stringify(xml)} at ${byteOffset}`).toEqual(expected);
      }
    }
  });

  it('ends at the end of the part wherever plain bytes run up to it', () => {
    // A byte the words skip cannot take (a newline, non-ASCII) and plain bytes after it up to the end: the
    // reader once stepped back to the last whole word there and never finished.
    for (const tail of ['', ' ', '  ', '   ', '\n', '\n ', '\n  ', '\n   ', ' \n ', '\t  ']) {
      for (const body of ['<a/>', '<a>x</a>', '<a>é</a>', `<a>${run}</a>`]) {
        const xml = body + tail;
        const expected = bySaxes(xml, []);
        for (let byteOffset = 0; byteOffset < 4; byteOffset++) expect(scanned(xml, [], byteOffset), `${JSON.stringify(xml)} at ${byteOffset}`).toEqual(expected);
      }
    }
    for (const truncated of ['<a><t>日x', '<a><t>x ', '<a>\n  ', '<a>]x']) {
      for (let byteOffset = 0; byteOffset < 4; byteOffset++) expect(() => scanned(truncated, [], byteOffset), JSON.stringify(truncated)).toThrow(NotPlainXml);
    }
  });

  it('leaves a long run with what it does not take to the full parser, wherever it falls', () => {
    for (const piece of ['\r', '\u0001', '\u001f', '\u007f\u0000', ']]>', '\uFFFE', '&nbsp;']) {
      for (const xml of layouts(piece)) {
        for (let byteOffset = 0; byteOffset < 4; byteOffset++) {
          expect(() => scanned(xml, [], byteOffset), `${JSON.stringify(xml)} at ${byteOffset}`).toThrow(NotPlainXml);
        }
      }
    }
  });
});

/** Namespaced events (uri and local name) through the byte reader and through saxes with xmlns on. */
function namespaced(xml: string, plain: boolean): string[] {
  const events: string[] = [];
  if (plain) {
    scanPlainXml(strToU8(xml), { open: (name, _a, uri) => events.push(`open ${uri} ${name}`), close: (name, uri) => events.push(`close ${uri} ${name}`) }, { namespaces: true });
    return events;
  }
  const parser = new SaxesParser({ xmlns: true, position: false });
  parser.on('opentag', (tag) => events.push(`open ${tag.uri} ${tag.local}`));
  parser.on('closetag', (tag) => events.push(`close ${tag.uri} ${tag.local}`));
  parser.write(xml).close();
  return events;
}

describe('scanPlainXml with namespaces', () => {
  it('resolves prefixes and default namespaces, declared and redeclared at any depth, as saxes does', () => {
    const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
    const documents = [
      `<w:document xmlns:w="${W}" xmlns:mc="urn:mc"><w:body><w:p w:rsidR="1"><mc:Fallback><w:t>x</w:t></mc:Fallback></w:p></w:body></w:document>`,
      `<document xmlns="${W}"><p xmlns="urn:other"><t/></p><p><t>y</t></p></document>`,
      `<a:x xmlns:a="urn:1"><a:y xmlns:a="urn:2"><a:z/></a:y><a:z xml:space="preserve"/></a:x>`,
      `<root><child xmlns:p="urn:p" p:attr="1" attr="2"><p:leaf/></child></root>`,
    ];
    for (const xml of documents) expect(namespaced(xml, true), xml).toEqual(namespaced(xml, false));
  });

  it('leaves unusual declarations and prefixes to saxes', () => {
    const notPlain = [
      '<p:a/>', // unbound prefix
      '<a p:b="1"/>',
      '<a xmlns:xml="urn:x"/>',
      '<a xmlns:p=""/>',
      '<a xmlns=""/>',
      '<a xmlns:p="urn:1" xmlns:q="urn:1" p:b="1" q:b="2"/>', // the same attribute twice
      '<a:b:c xmlns:a="urn:1"/>',
    ];
    for (const xml of notPlain) expect(() => namespaced(xml, true), xml).toThrow(NotPlainXml);
  });
});

describe('readXlsxStreaming', () => {
  async function sheetsRewritten(rewrite: (xml: string) => string): Promise<Uint8Array> {
    const workbook = await makeXlsx([{ name: 'Roster', rows: [['MRN', 'Name', 'Note'], ['A1234567', 'QUILLON ABERNATHY', 'seen & well'], [42, 'x', new Date('2024-02-03T00:00:00Z')]], notes: { C2: 'called back' } }]);
    const files = unzipSync(workbook);
    for (const name of Object.keys(files)) {
      if (name.startsWith('xl/worksheets/') || name === 'xl/sharedStrings.xml') files[name] = strToU8(rewrite(new TextDecoder().decode(files[name])));
    }
    return zipSync(files);
  }

  const read = (bytes: Uint8Array): ExtractResult | null => readXlsxStreaming(bytes, DEFAULT_EXTRACT_LIMITS);

  it('reads a workbook whose parts are not plain XML as before, through saxes (the cells once each)', async () => {
    const plain = read(await sheetsRewritten((xml) => xml));
    expect(plain).toMatchObject({ ok: true });
    // Carriage returns and a processing instruction are well-formed XML the byte reader leaves to saxes.
    const notPlain = read(await sheetsRewritten((xml) => xml.replace(/></g, '>\r\n<').replace(/(<\?xml[^>]*>)?/, (d) => `${d}<?writer x?>`)));
    expect(notPlain).toEqual(plain);
    const sink = { added: [] as string[], resets: 0, add(s: { text: string }) { this.added.push(s.text); }, reset() { this.resets++; this.added = []; } };
    // Not plain only after the rows: they were handed over once, before saxes took over.
    readXlsxStreaming(await sheetsRewritten((xml) => xml.replace('</sheetData>', '\r\n</sheetData>')), DEFAULT_EXTRACT_LIMITS, sink);
    expect(sink.added).toEqual(plain && plain.ok ? plain.segments.map((s) => s.text) : []);
    // Resumed where the byte reader stopped, not started over.
    expect(sink.resets).toBe(0);
  });

  it('reads a date serial in each workbook\'s own date system, whichever workbook came first', async () => {
    const dated = async (date1904: boolean): Promise<Uint8Array> => {
      const files = unzipSync(await makeXlsx([{ name: 'Visits', rows: [['Visit'], [new Date('2024-02-03T00:00:00Z')]] }]));
      const xml = new TextDecoder().decode(files['xl/workbook.xml']);
      files['xl/workbook.xml'] = strToU8(xml.replace(/<workbookPr\b[^>]*?\/>|(?=<bookViews)/, `<workbookPr date1904="${date1904 ? 1 : 0}"/>`));
      return zipSync(files);
    };
    const dates = (result: ExtractResult | null): string[] => (result && result.ok ? result.segments.map((s) => s.text).filter((t) => /^\d{4}-/.test(t)) : []);
    const [in1900, in1904] = [await dated(false), await dated(true)];
    // The same serial is four years and a day later in the 1904 system.
    for (const order of [[in1900, in1904], [in1904, in1900]]) {
      const texts = order.map((bytes) => dates(read(bytes)));
      expect(texts[order.indexOf(in1900)]).toEqual(['2024-02-03']);
      expect(texts[order.indexOf(in1904)]).toEqual(['2028-02-04']);
    }
  });

  it('still hands a workbook with broken XML to exceljs (null)', async () => {
    expect(read(await sheetsRewritten((xml) => xml.replace('</sheetData>', '')))).toBeNull();
  });
});

describe('extractDocx', () => {
  async function docxRewritten(rewrite: (xml: string) => string): Promise<Uint8Array> {
    const files = unzipSync(await makeDocx({ body: ['Referral letter', 'Patient QUILLON ABERNATHY, DOB 03/14/1962 & more'], header: ['MRN 00482913'], comments: ['Call back'] }));
    for (const name of Object.keys(files)) if (/^word\/.*\.xml$/.test(name)) files[name] = strToU8(rewrite(new TextDecoder().decode(files[name])));
    return zipSync(files);
  }

  it('reads parts that are not plain XML as it reads plain ones (saxes for those)', async () => {
    const plain = await extractDocx(await docxRewritten((xml) => xml), DEFAULT_EXTRACT_LIMITS);
    expect(plain).toMatchObject({ ok: true });
    expect(await extractDocx(await docxRewritten((xml) => xml.replace(/></g, '>\r\n<')), DEFAULT_EXTRACT_LIMITS)).toEqual(plain);
  });

  it('skips CDATA in Word text either way, as saxes did', async () => {
    const withCdata = (xml: string): string => xml.replace('Referral letter</w:t>', 'Referral letter<![CDATA[ hidden]]></w:t>');
    for (const extra of ['', '\r\n']) {
      const r = await extractDocx(await docxRewritten((xml) => withCdata(xml).replace('<w:body>', `<w:body>${extra}`)), DEFAULT_EXTRACT_LIMITS);
      expect(r.ok && r.segments[0]?.text).toBe('Referral letter');
    }
  });
});
