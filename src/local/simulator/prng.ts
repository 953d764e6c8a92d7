/**
 * mulberry32: a tiny 32-bit seeded PRNG (public domain, Tommy Ettinger). Not cryptographic; chosen
 * because the same seed must replay the same fleet, which Math.random cannot do.
 */
export const mulberry32 = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

/** The draws the simulator needs, all from one seeded stream so a seed fixes every value. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Poisson-distributed count with mean `mean` (Knuth's method; the simulator's means are small). */
  poisson(mean: number): number;
  pick<T>(items: readonly [T, ...T[]]): T;
}

export const seededRandom = (seed: number): Random => {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    between: (min, max) => min + next() * (max - min),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    poisson: (mean) => {
      if (!(mean > 0)) return 0;
      const limit = Math.exp(-mean);
      let count = 0;
      let product = next();
      while (product > limit) {
        count++;
        product *= next();
      }
      return count;
    },
    pick: (items) => items[Math.floor(next() * items.length)] ?? items[0],
  };
  return random;
};

/**
 * A well-mixed 32-bit seed for one station, so each station has its own stream: station 3 behaves the
 * same whether the fleet has 4 stations or 400. (The golden-ratio step is the usual splitmix constant.)
 */
export const stationSeed = (fleetSeed: number, index: number): number =>
  (Math.imul((fleetSeed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
