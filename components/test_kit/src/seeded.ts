/**
 * mulberry32: uniform numbers in [0, 1) from a seed, so that a test drawing random cases (a
 * fuzz, a simulated source) draws the same ones every run and a failure can be replayed.
 */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
