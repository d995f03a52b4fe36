/** A mistake in how phi-scan was called: reported as one line, exit code 2, never with a stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
