import { Writable } from 'node:stream';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { FileResult, ReportedFinding } from '../types.js';
import { SummaryBuilder } from '../summary.js';
import { createReporter, type ReportFormat, type ReporterOptions } from './index.js';
import { csvField } from './csv.js';
import { toUri } from './sarif-reporter.js';

const RAW_SSN = '123-45-6789';
const access = { uid: 1000, user: 'clinic', gid: 100, group: 'users', mode: '0644', groupReadable: true, worldReadable: true, worldWritable: false };

function finding(overrides: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    detector: 'ssn',
    hipaa: 'social-security-numbers',
    role: 'identifier',
    value: '***-**-6789',
    confidence: 'high',
    location: { row: 2, column: 'SSN' } as ReportedFinding['location'],
    fingerprint: '0123456789abcdef0123456789abcdef',
    record: 0,
    ...overrides,
  };
}

const RESULTS: FileResult[] = [
  {
    type: 'file',
    path: 'share/hr/=HYPERLINK("x").csv',
    status: 'scanned',
    format: 'csv',
    bytes: 2048,
    mtime: '2024-01-02T03:04:05.000Z',
    findings: [
      finding(),
      finding({ detector: 'name', hipaa: 'names', value: '**** ***', confidence: 'medium', fingerprint: 'fedcba9876543210fedcba9876543210' }),
      finding({ detector: 'icd10', hipaa: 'health-information', role: 'health-information', value: '***.*', confidence: 'low', location: { line: 4, column: 7 } }),
    ],
    records: 1,
    recordList: [{ identifiers: ['icd10', 'name', 'ssn'], phi: true, keys: ['0123456789abcdef0123456789abcdef'] }],
    access,
    risk: { score: 62, level: 'high', sensitivity: 0.62, accessibility: 1 },
  },
  {
    type: 'file',
    path: 'share/notes/<script>alert(1)</script>.txt',
    status: 'scanned',
    format: 'text',
    bytes: 300,
    findings: [finding({ location: { line: 3, column: 9 } })],
    records: 1,
    recordList: [{ identifiers: ['ssn'], phi: false, keys: ['0123456789abcdef0123456789abcdef'] }],
    access: { ...access, mode: '0600', groupReadable: false, worldReadable: false },
    risk: { score: 20, level: 'low', sensitivity: 0.5, accessibility: 0.4 },
  },
  { type: 'file', path: 'share/readme.txt', status: 'scanned', format: 'text', bytes: 10, findings: [], records: 0 },
  { type: 'file', path: 'share/scans/fax.pdf', status: 'error', reason: 'corrupt', message: 'the PDF is truncated', bytes: 256, findings: [], records: 0 },
];

class CollectingStream extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

async function render(format: ReportFormat, results: readonly FileResult[] = RESULTS, options: Partial<ReporterOptions> = {}): Promise<string> {
  const out = new CollectingStream();
  const reporter = createReporter(format, out, { reveal: false, ...options });
  const builder = new SummaryBuilder({ minConfidence: 'low', masked: true, startedAt: new Date(0), now: () => 1500 });
  for (const result of results) {
    builder.add(result);
    await reporter.file(result);
  }
  await reporter.end(builder.summary({ complete: true }));
  return out.text;
}

describe('csv', () => {
  it('writes a header and one row per finding, with access and risk columns', async () => {
    const rows = (await render('csv')).trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^path,detector,hipaa,role,confidence,value,location,location_json,record,fingerprint,risk,/);
    expect(rows).toHaveLength(1 + 4);
    expect(rows[1]).toContain('***-**-6789');
    expect(rows[1]).toContain(',62,high,clinic,1000,users,100,0644,true,true');
  });

  it('one row per file with --csv-per file, every file included', async () => {
    const rows = (await render('csv', RESULTS, { csvPer: 'file' })).trimEnd().split('\r\n');
    expect(rows[0]).toMatch(/^path,status,reason,format,bytes,mtime,records,phi_records,findings,detectors,identifiers,risk/);
    expect(rows).toHaveLength(1 + RESULTS.length);
    expect(rows[4]).toContain('share/scans/fax.pdf,error,corrupt');
    expect(rows[1]).toContain('ssn:1 name:1 icd10:1,icd10+name+ssn');
  });

  it('quotes per RFC 4180 and defuses formulas in cells', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(undefined)).toBe('');
  });

  it('writes only the header when nothing was found', async () => {
    expect(await render('csv', [RESULTS[2]!])).toMatch(/^path,detector,[^\n]*\r\n$/);
  });
});

describe('sarif', () => {
  const require = createRequire(import.meta.url);
  const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

  it('is valid SARIF 2.1.0 against the JSON schema', async () => {
    const validate = addFormats(new AjvDraft04({ allErrors: true, strict: false, unicodeRegExp: false })).compile(schema);
    for (const results of [RESULTS, [RESULTS[2]!], []]) {
      const log = JSON.parse(await render('sarif', results));
      const valid = validate(log);
      expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
      expect(valid).toBe(true);
      expect(log.version).toBe('2.1.0');
    }
    // The validator does reject what the schema forbids, so a pass above means something.
    expect(validate({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: {}, level: 'fatal' }] }] })).toBe(false);
  });

  it('has stable rule ids, keyed fingerprints, risk as rank, and no value in any message', async () => {
    const text = await render('sarif');
    const run = JSON.parse(text).runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['phi/icd10', 'phi/name', 'phi/ssn']);
    expect(run.results[0]).toMatchObject({
      ruleId: 'phi/ssn',
      level: 'error',
      rank: 62,
      partialFingerprints: { 'phiValue/v1': '0123456789abcdef0123456789abcdef' },
    });
    expect(run.results[2].locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 7 });
    for (const result of run.results) expect(result.message.text).not.toMatch(/\*|\d{4}/);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe('corrupt: the PDF is truncated');
    expect(run.properties.distinctPatients).toBe(1);
  });

  it('even with --reveal keeps values out of messages', async () => {
    const revealed = RESULTS.map((r) => ({ ...r, findings: r.findings.map((f) => ({ ...f, value: RAW_SSN })) }));
    const run = JSON.parse(await render('sarif', revealed, { reveal: true })).runs[0];
    expect(JSON.stringify(run.results.map((r: { message: unknown }) => r.message))).not.toContain(RAW_SSN);
  });

  it('makes URIs of paths', () => {
    expect(toUri('share/a b/c#1.txt')).toBe('share/a%20b/c%231.txt');
    expect(toUri('/mnt/share/x.zip!in/y.csv')).toBe('file:///mnt/share/x.zip!in/y.csv');
  });
});

describe('html', () => {
  it('is one self-contained page: no script, no external resource, a CSP that forbids loading', async () => {
    const html = await render('html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain(`default-src 'none'`);
  });

  it('escapes file names, shows masked values, access, risk and the charts', async () => {
    const html = await render('html');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;.txt');
    expect(html).toContain('***-**-6789');
    expect(html).toContain('world-readable');
    expect(html).toContain('owner only');
    expect(html).toContain('Findings by identifier');
    expect(html).toContain('Distinct patients per folder');
    expect(html).toContain('<svg');
    expect(html).toContain('the PDF is truncated');
    expect(html).not.toContain(RAW_SSN);
  });

  it('says when values are not masked', async () => {
    expect(await render('html', RESULTS, { reveal: true })).toContain('NOT MASKED');
  });
});

describe('text', () => {
  it('shows distinct patients, PHI and PII records, what identifies them, and files ranked by risk with access', async () => {
    const text = await render('text');
    expect(text).toMatch(/Distinct patients\s+1\s+\(1 with health information/);
    expect(text).toMatch(/PHI records \(identifier \+ health information\)\s+1/);
    expect(text).toMatch(/PII records \(identifiers only\)\s+1/);
    expect(text).toMatch(/icd10\+name\+ssn\s+1/);
    expect(text).toMatch(/Folders exposing the most patients \(top 2\)\n\s+patients\s+files\s+folder\n\s+1\s+1\s+share\/hr/);
    const riskiest = text.slice(text.indexOf('Riskiest files'));
    expect(riskiest).toMatch(/62\s+high\s+1\s+world-readable\s+clinic:users\s+share\/hr\//);
    expect(riskiest.indexOf('62')).toBeLessThan(riskiest.indexOf('20  low'));
    expect(riskiest).toContain('owner only');
  });
});
