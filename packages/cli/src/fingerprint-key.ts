import { UsageError } from './usage-error.js';

/**
 * The key is all that stands between a fingerprint and the SSN behind it (10^9 SSNs are hashed in seconds), so
 * a short one is refused. The message never repeats the key.
 */
export const MIN_FINGERPRINT_KEY_LENGTH = 16;

const ADVICE = `use at least ${MIN_FINGERPRINT_KEY_LENGTH} characters, e.g. \`openssl rand -hex 32\``;

/**
 * The flag (or config) wins over the environment; neither means a random key per scan. Checked here rather than
 * by a commander parser, whose usage error would quote the rejected key.
 */
export function fingerprintKeyFrom(option: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const key = option ?? (env.PHI_SCAN_FINGERPRINT_KEY || undefined);
  if (key !== undefined && key.length < MIN_FINGERPRINT_KEY_LENGTH) {
    throw new UsageError(`the fingerprint key (${option === undefined ? 'PHI_SCAN_FINGERPRINT_KEY' : '--fingerprint-key'}) is too short: ${ADVICE}`);
  }
  return key;
}
