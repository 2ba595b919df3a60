// A small seeded generator so fault decisions are repeatable from a seed. Not for cryptography.

export interface Prng {
  /** A float in [0, 1). */
  next(): number;
}

const GOLDEN_RATIO_32 = 0x9e3779b9;

// Scrambles the seed so that neighbouring seeds (1, 2, 3...) give unrelated sequences.
function scrambleSeed(seed: number): number {
  let z = (Math.trunc(seed) + GOLDEN_RATIO_32) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  return z === 0 ? GOLDEN_RATIO_32 : z;
}

/** xorshift32 over a scrambled seed: the same seed always yields the same sequence. */
export function createPrng(seed: number): Prng {
  let state = scrambleSeed(seed);
  return {
    next(): number {
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return state / 0x1_0000_0000;
    },
  };
}
