/**
 * A seeded source of 32-bit values for tests that draw bytes (xorshift32): an LCG's low bits repeat with a
 * short period, and the byte pairs it never makes go untested.
 */
export function seededRandom(seed: number): () => number {
  let state = seed | 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}
