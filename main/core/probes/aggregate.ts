// Aggregate trait scores per (checkpoint, trait, context): the mean of non-null sample scores, n, nulls, and a 95%
// percentile-bootstrap confidence interval that resamples items, not samples, because samples of one question are
// correlated. The bootstrap uses a fixed seed, so the same samples always give the same interval.

export interface Aggregate {
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  nulls: number;
}

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20240601;

export function aggregate(samples: { item: string; score: number | null }[], resamples = BOOTSTRAP_RESAMPLES): Aggregate {
  const { groups, nulls } = itemGroups(samples);
  const n = groups.reduce((a, g) => a + g.count, 0);
  if (n === 0) return { mean: null, ciLow: null, ciHigh: null, n: 0, nulls };
  const mean = groups.reduce((a, g) => a + g.sum, 0) / n;
  if (groups.length === 1) return { mean, ciLow: mean, ciHigh: mean, n, nulls };
  // Typed arrays keep the resampling loop tight: it runs resamples x items times.
  const k = groups.length;
  const sums = Float64Array.from(groups, (g) => g.sum);
  const counts = Float64Array.from(groups, (g) => g.count);
  // seededRandom's mulberry32, written out here: the same numbers in the same order (so the same interval), without
  // a call per draw; this loop makes resamples x items draws (32 million for a 16,000-item trait).
  let a = BOOTSTRAP_SEED >>> 0;
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < k; i++) {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const j = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * k) | 0;
      sum += sums[j]!;
      count += counts[j]!;
    }
    stats[r] = sum / count;
  }
  stats.sort();
  const at = (q: number) => stats[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { mean, ciLow: at(0.025), ciHigh: at(0.975), n, nulls };
}

/**
 * Each item's sum and count of finite scores, in item order (a null or non-finite score is counted apart), in one
 * pass over samples sorted by item, as the store reads them (along its unique index): for a 16,000-item trait,
 * gathering them in a map and sorting the keys was a fifth of the final score's time, which a probe waits for at its
 * end. Samples in another order (or ids SQLite orders otherwise, such as astral characters) are sorted first, stably,
 * so each item's scores are still added in the order given.
 */
function itemGroups(samples: { item: string; score: number | null }[]): { groups: { sum: number; count: number }[]; nulls: number } {
  const groups: { sum: number; count: number }[] = [];
  let nulls = 0;
  let prev: string | null = null;
  let last: string | null = null;
  for (const s of samples) {
    if (prev !== null && s.item < prev) return itemGroups([...samples].sort((a, b) => (a.item < b.item ? -1 : a.item > b.item ? 1 : 0)));
    prev = s.item;
    if (s.score === null || !Number.isFinite(s.score)) {
      nulls++;
      continue;
    }
    if (s.item === last) {
      const g = groups[groups.length - 1]!;
      g.sum += s.score;
      g.count++;
    } else {
      groups.push({ sum: s.score, count: 1 });
      last = s.item;
    }
  }
  return { groups, nulls };
}
