import { createHmac, randomBytes } from 'node:crypto';

/**
 * Keyed fingerprints let reports link equal values (the same SSN in two files) without holding them. A bare
 * hash would not do: the 10^9 possible SSNs are brute-forced from SHA-256 in seconds, so the key is either the
 * user's (stable across scans, for baselines) or random per scan.
 */
export type Fingerprinter = (detector: string, normalized: string) => string;

export function createFingerprinter(key: string | Uint8Array): Fingerprinter {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (keyBytes.length === 0) throw new Error('fingerprint key must not be empty');
  return (detector, normalized) =>
    createHmac('sha256', keyBytes).update(detector).update('\0').update(normalized).digest('hex').slice(0, 32);
}

export function randomFingerprintKey(): string {
  return randomBytes(32).toString('hex');
}
