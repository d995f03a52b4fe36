import { describe, expect, it } from 'vitest';
import { scanText } from './scan.js';

describe('custom detectors, allow and deny lists through scan options', () => {
  it('reports a configured detector and the deny list, and drops allowed values', () => {
    const result = scanText('Badge E123456. Clinic phone (217) 482-3100. MRN: 00123456. Code name ZULU-7.', {
      reveal: true,
      customDetectors: [{ id: 'badge', patterns: ['\\bE[0-9]{6}\\b'], keywords: ['badge'], confidence: 'medium' }],
      allow: ['(217) 482-3100'],
      deny: ['ZULU-7'],
    });
    const found = result.findings.map((f) => `${f.detector}:${f.value}`);
    expect(found).toEqual(expect.arrayContaining(['badge:E123456', 'mrn:00123456', 'deny-list:ZULU-7']));
    expect(found.some((f) => f.startsWith('phone:'))).toBe(false);
  });

  it('fails with the detector named when a configured pattern is not RE2', () => {
    expect(() => scanText('x', { customDetectors: [{ id: 'badge', patterns: ['(?<=x)y'] }] })).toThrow(/Custom detector "badge", pattern #1/);
  });
});
