/** A seeded pseudo-random source in [0, 1): the same seed gives the same run. */
export type Random = () => number;

/** mulberry32: small, fast and good enough to pick scenarios and arrival gaps. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One key of `weights`, drawn with probability proportional to its weight (weights ≥ 0, not all 0). */
export function pickWeighted<K extends string>(random: Random, weights: Readonly<Record<K, number>>): K {
  const entries = (Object.entries(weights) as Array<[K, number]>).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (entries.length === 0 || !Number.isFinite(total)) throw new Error('pickWeighted: no positive weight');
  let r = random() * total;
  for (const [key, weight] of entries) {
    r -= weight;
    if (r < 0) return key;
  }
  return (entries.at(-1) as [K, number])[0];
}

/** One element of a non-empty list, uniformly. */
export function pickOne<T>(random: Random, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pickOne: empty list');
  return list[Math.floor(random() * list.length)];
}

/** An integer in [min, max], uniformly. */
export const intBetween = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
