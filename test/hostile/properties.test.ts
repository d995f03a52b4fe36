import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extractCsv,
  extractDocx,
  extractHl7,
  extractJson,
  extractMarkdown,
  extractPdf,
  extractPlainText,
  extractText,
  extractTsv,
  extractXlsx,
  extractXml,
  maskValue,
  DEFAULT_EXTRACT_LIMITS,
  type ExtractResult,
} from '@phi-scan/core';
import { createEngine, detect, type Finding } from '@phi-scan/detectors';
import { docx, docxBody, inlineRow, textPdf, xlsx } from './builders.js';
import { PHI_LINE } from './cases.js';

/**
 * Properties over random input: no extractor or detector throws, every finding points inside its input, and
 * masking shows at most the last four characters. Seeds are fixed so a failure reproduces; fast-check prints
 * the seed and the shrunk counterexample.
 */
const SEED = 20261201;
const FAILURE_REASONS = new Set(['encrypted', 'corrupt', 'too-large', 'timeout', 'unsupported', 'no-text']);

/** Small limits so a random "bomb" is refused quickly instead of inflating 512 MB. */
const LIMITS = { ...DEFAULT_EXTRACT_LIMITS, maxInflatedBytes: 4 * 1024 * 1024, maxTextChars: 1024 * 1024 };

function wellFormed(result: ExtractResult): void {
  if (result.ok) {
    for (const segment of result.segments) expect(typeof segment.text).toBe('string');
  } else {
    expect(FAILURE_REASONS).toContain(result.reason);
    expect(result.message).not.toContain('\n');
  }
}

const EXTRACTORS = { extractCsv, extractTsv, extractDocx, extractHl7, extractJson, extractMarkdown, extractPdf, extractPlainText, extractXlsx, extractXml };

/** Extensions that route random bytes to every extractor the sniffer knows, archives and mail included. */
const EXTENSIONS = ['txt', 'csv', 'tsv', 'hl7', 'json', 'xml', 'html', 'md', 'pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'doc', 'xls', 'rtf', 'eml', 'msg', 'zip', 'tar', 'gz', 'dcm', 'x12', 'edi', 'cda', 'fhir.json', 'bin'];

/** Bytes that look like something: a valid document with bytes overwritten and the tail cut at random. */
function mutated(base: Uint8Array) {
  return fc
    .tuple(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), fc.integer({ min: 1, max: base.length }))
    .map(([edits, cut]) => {
      const out = Uint8Array.from(base);
      for (const [at, value] of edits) out[at] = value;
      return out.subarray(0, cut);
    });
}

describe('extractors never throw', () => {
  it('on random bytes, through the sniffer, under any extension', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom(...EXTENSIONS), async (bytes, ext) => {
        wellFormed(await extractText(bytes, `random.${ext}`, LIMITS));
      }),
      { seed: SEED, numRuns: 300 },
    );
  }, 120_000);

  for (const [name, extractor] of Object.entries(EXTRACTORS)) {
    it(`${name} on random bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => wellFormed(await extractor(bytes, LIMITS))),
        { seed: SEED, numRuns: name === 'extractPdf' || name === 'extractXlsx' ? 40 : 120 },
      );
    }, 120_000);
  }

  const bases: [string, Uint8Array][] = [
    ['docx', docx(docxBody([PHI_LINE, 'second paragraph']))],
    ['xlsx', xlsx(`<sheetData>${inlineRow(1, ['Name', 'SSN'])}${inlineRow(2, ['Harriet Okonkwo', '523-71-4286'])}</sheetData>`)],
    ['pdf', textPdf([PHI_LINE])],
  ];
  for (const [ext, base] of bases) {
    it(`on a valid ${ext} with random bytes overwritten and a random tail cut`, async () => {
      await fc.assert(
        fc.asyncProperty(mutated(base), async (bytes) => wellFormed(await extractText(bytes, `mutated.${ext}`, LIMITS))),
        { seed: SEED, numRuns: ext === 'docx' ? 150 : 40 },
      );
    }, 120_000);
  }
});

/** Text with the shapes detectors look for: digits, separators, labels, names, newlines, odd Unicode. */
const phiLikeText = fc
  .array(
    fc.oneof(
      fc.constantFrom('SSN', 'MRN:', 'DOB', 'Patient:', 'Name', 'ICD-10', 'E11.9', '523-71-4286', '03/14/1962', 'Harriet', 'OKONKWO^HARRIET', '\n', '\r\n', '\t', ' ', '|', '^', '-', '/', '#', '\u0000', '\ufffd', '\u202e', '😀'),
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ),
    { maxLength: 80 },
  )
  .map((parts) => parts.join(''));

function insideInput(text: string, findings: Finding[]): void {
  for (const f of findings) {
    expect(f.start).toBeGreaterThanOrEqual(0);
    expect(f.end).toBeGreaterThan(f.start);
    expect(f.end).toBeLessThanOrEqual(text.length);
    expect(f.value).toBe(text.slice(f.start, f.end));
    const before = text.slice(0, f.start);
    const line = before.split(/\r\n|\n|\r/).length;
    expect(f.line).toBe(line);
  }
}

describe('detectors', () => {
  const engine = createEngine();

  it('never throw, and every finding lies inside the input, on PHI-shaped and random text', () => {
    fc.assert(
      fc.property(fc.oneof(phiLikeText, fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 })), fc.option(fc.constantFrom('SSN', 'Patient Name', 'DOB', 'MRN', 'Dx'), { nil: undefined }), (text, columnHeader) => {
        insideInput(text, detect(text));
        insideInput(text, engine.detect(text, { columnHeader, minConfidence: 'low' }));
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it('on a long line with no newline, a value anywhere (a block cut included) is found once, where it is', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20_000, max: 60_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (length, where) => {
        const filler = 'lorem ipsum dolor sit amet consectetur '.repeat(Math.ceil(length / 39)).slice(0, length);
        const at = filler.lastIndexOf(' ', Math.floor(where * length)) + 1;
        const text = `${filler.slice(0, at)}SSN: 523-71-4286 ${filler.slice(at)}`;
        const ssns = engine.detect(text).filter((f) => f.detector === 'ssn');
        expect(ssns).toHaveLength(1);
        expect(ssns[0]!.start).toBe(at + 5);
        insideInput(text, ssns);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

describe('masking', () => {
  const alnum = /[\p{L}\p{N}]/u;

  it('shows at most the last 4 letters or digits, keeps everything else in place, and shows none of a name', () => {
    fc.assert(
      fc.property(fc.constantFrom('ssn', 'mrn', 'dob', 'name', 'icd10', 'phone', 'email', 'custom'), fc.oneof(phiLikeText, fc.string({ unit: 'grapheme', maxLength: 40 })), (detector, value) => {
        const masked = maskValue(detector, value);
        const original = [...value];
        const shown = [...masked];
        expect(shown).toHaveLength(original.length);
        const letters = original.map((ch, i) => ({ ch, i })).filter(({ ch }) => alnum.test(ch));
        const revealed = letters.filter(({ i }) => shown[i] === original[i]);
        expect(revealed.length).toBeLessThanOrEqual(detector === 'name' ? 0 : 4);
        // What shows is a suffix: no hidden character after a shown one.
        if (revealed.length) expect(revealed.map(({ i }) => i)).toEqual(letters.slice(-revealed.length).map(({ i }) => i));
        for (const { i } of letters) if (shown[i] !== original[i]) expect(shown[i]).toBe('*');
        original.forEach((ch, i) => {
          if (!alnum.test(ch)) expect(shown[i]).toBe(ch);
        });
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});
