import { createRequire } from 'node:module';

/** A loader that runs once: every later call gets the first call's promise (a module imported on first use). */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

const requireHere = createRequire(import.meta.url);

/**
 * A package required (its CommonJS build, synchronously) on the first call, not imported with the module that
 * uses it: for parsers that synchronous code needs only for some files, so a worker does not load them at
 * start-up.
 */
export function requireOnce<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(specifier) as T);
}
