/** A loader that runs once: every later call gets the first call's promise (a module imported on first use). */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
