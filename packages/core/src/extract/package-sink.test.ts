import { makeOdt, makePptx } from '@phi-scan/synth';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { newArchiveBudget } from './archive-formats.js';
import { extractText } from './index.js';
import { DEFAULT_EXTRACT_LIMITS, type ExtractResult, type SegmentSink, type TextSegment } from './types.js';

// PPTX and OpenDocument text goes to the scan's sink as each part is read, as DOCX, XLSX and PDF text does.

class RecordingSink implements SegmentSink {
  added: TextSegment[] = [];
  resets = 0;
  add(segment: TextSegment): void {
    this.added.push(segment);
  }
  reset(): void {
    this.resets++;
    this.added = [];
  }
}

/** Throws on its first segment only: a reader that retried after the throw would then get through. */
function throwingOnce(): SegmentSink {
  let thrown = false;
  return {
    add() {
      if (thrown) return;
      thrown = true;
      throw new Error('detector bug');
    },
    reset() {},
  };
}

function withSink(bytes: Uint8Array, path: string, sink: SegmentSink): Promise<ExtractResult> {
  return extractText(bytes, path, DEFAULT_EXTRACT_LIMITS, { depth: 0, budget: newArchiveBudget(), sink });
}

async function returned(bytes: Uint8Array, path: string): Promise<TextSegment[]> {
  const r = await extractText(bytes, path);
  if (!r.ok) throw new Error(`${r.reason}: ${r.message}`);
  return r.segments;
}

const ODS_CONTENT =
  '<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ' +
  'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">' +
  '<office:body><office:spreadsheet><table:table table:name="Patients">' +
  '<table:table-row><table:table-cell><text:p>Name</text:p></table:table-cell><table:table-cell><text:p>MRN</text:p></table:table-cell></table:table-row>' +
  '<table:table-row><table:table-cell><text:p>Maria T Lopez</text:p></table:table-cell><table:table-cell><text:p>MR448812</text:p></table:table-cell></table:table-row>' +
  '</table:table></office:spreadsheet></office:body></office:document-content>';
const ods = zipSync({ mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }], 'content.xml': strToU8(ODS_CONTENT) });

const documents: [string, Uint8Array][] = [
  ['deck.pptx', makePptx([{ paragraphs: ['Case conference', 'Patient: Maria T Lopez'], notes: ['MRN MR448812'] }, { paragraphs: ['Plan'] }])],
  ['letter.odt', makeOdt(['Referral for Maria T Lopez', 'DOB 03/14/1957'], ['Zephyr Clinic'])],
  ['census.ods', ods],
];

describe('PPTX and OpenDocument with a sink', () => {
  it('hand the sink what they would return, in the same order', async () => {
    for (const [path, bytes] of documents) {
      const sink = new RecordingSink();
      const r = await withSink(bytes, path, sink);
      expect(r.ok && r.segments, path).toEqual([]);
      const expected = await returned(bytes, path);
      expect(expected.length, path).toBeGreaterThan(1);
      expect(sink.added, path).toEqual(expected);
      expect(sink.resets, path).toBe(0);
    }
  });

  it('fail the file when the sink throws, rather than taking the throw for damaged XML', async () => {
    for (const [path, bytes] of documents) {
      expect(await withSink(bytes, path, throwingOnce()), path).toMatchObject({ ok: false, reason: 'corrupt' });
    }
  });

  it('take back what the sink was given when a later part fails the file', async () => {
    // The second slide inflates past the per-part limit: it is refused after the first slide was given.
    const deck = makePptx([{ paragraphs: ['Patient: Maria T Lopez'] }, { paragraphs: ['Plan '.repeat(400_000)] }]);
    const sink = new RecordingSink();
    const r = await extractText(deck, 'deck.pptx', { ...DEFAULT_EXTRACT_LIMITS, maxInflatedBytes: 1024 * 1024 }, { depth: 0, budget: newArchiveBudget(), sink });
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
    expect(sink.resets).toBe(1);
    expect(sink.added).toEqual([]);
  });
});
