/**
 * One deterministic PRNG (mulberry32) for everything that wants a replayable random
 * sequence: the policy generators and the IAM oracle's samples in tests, the policy
 * benchmark, and the test runner's `--shuffle`. Plain arithmetic, no import: the oracle
 * can use it and still share no code with lib/policy.
 */

/** The next 32-bit unsigned integer of the sequence that `seed` starts. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `random(n)` is an integer in [0, n). */
export function seededRandom(seed: number): (below: number) => number {
  const next = mulberry32(seed);
  return (below) => next() % below;
}

/** `random()` is a number in [0, 1), like Math.random. */
export function seededFraction(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 2 ** 32;
}
