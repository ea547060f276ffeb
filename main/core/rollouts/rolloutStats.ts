// Per-step statistics of a trait over the rollouts of one RL step. Pure functions of (prompt group, trait score,
// reward, advantage) rows:
// - prevalence: the mean score, with a 95% percentile bootstrap interval that resamples prompts (GRPO samples several
//   completions per prompt, and those are correlated), 2,000 replicates, fixed seed;
// - the Spearman correlation of score with reward (Pearson on mid-ranks), with an interval from the same bootstrap
//   over prompts; the ranks are those of the whole step (not re-ranked per replicate), which keeps a replicate
//   linear in the number of prompts;
// - the advantage-weighted trait Σ Aᵢ·tᵢ / Σ |Aᵢ|: positive when the policy-gradient update pushes toward the
//   trait, negative when away (bounded by the score's range);
// - the share of the step's total reward earned by rollouts scoring above the trait's threshold (null when the
//   total reward is not positive, where a share means nothing).
// A step with fewer than two prompts has no interval (null), never one of zero width.
import type { RolloutStatistics } from "../../../shared/views.js";
import { seededRandom } from "../util/random.js";

export const ROLLOUT_BOOTSTRAP_RESAMPLES = 2000;
export const ROLLOUT_BOOTSTRAP_SEED = 20261205;

export interface RolloutStatRow {
  /** The prompt's group (equal prompts, equal group). */
  group: number;
  score: number | null;
  reward: number | null;
  advantage: number | null;
}

export type RolloutStats = RolloutStatistics;

/** Mid-ranks (ties share the mean of their positions), 1-based. */
export function midRanks(values: Float64Array): Float64Array {
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

function pearson(sx: number, sy: number, sxx: number, syy: number, sxy: number, n: number): number | null {
  const vx = sxx - (sx * sx) / n;
  const vy = syy - (sy * sy) / n;
  if (n < 3 || vx <= 1e-12 || vy <= 1e-12) return null;
  return (sxy - (sx * sy) / n) / Math.sqrt(vx * vy);
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)))]!;
}

export function rolloutStats(rows: RolloutStatRow[], threshold: number, resamples = ROLLOUT_BOOTSTRAP_RESAMPLES): RolloutStats {
  const scored = rows.filter((r) => r.score !== null && Number.isFinite(r.score));
  const nulls = rows.length - scored.length;
  const groupIndex = new Map<number, number>();
  for (const r of scored) if (!groupIndex.has(r.group)) groupIndex.set(r.group, groupIndex.size);
  const k = groupIndex.size;
  const empty: RolloutStats = { n: 0, prompts: 0, nulls, mean: null, ciLow: null, ciHigh: null, rewardCorr: null, corrLow: null, corrHigh: null, advantageWeighted: null, rewardShare: null };
  if (scored.length === 0) return empty;

  // Per-group sums for the prevalence bootstrap.
  const gSum = new Float64Array(k);
  const gCount = new Float64Array(k);
  for (const r of scored) {
    const g = groupIndex.get(r.group)!;
    gSum[g]! += r.score!;
    gCount[g]! += 1;
  }
  const n = scored.length;
  const mean = scored.reduce((a, r) => a + r.score!, 0) / n;

  // Correlation with reward over rows that have both, on mid-ranks, with per-group sufficient statistics.
  const paired = scored.filter((r) => r.reward !== null && Number.isFinite(r.reward));
  const rx = midRanks(Float64Array.from(paired, (r) => r.score!));
  const ry = midRanks(Float64Array.from(paired, (r) => r.reward!));
  const cs = Array.from({ length: 5 }, () => new Float64Array(k));
  const cn = new Float64Array(k);
  paired.forEach((r, i) => {
    const g = groupIndex.get(r.group)!;
    cs[0]![g]! += rx[i]!;
    cs[1]![g]! += ry[i]!;
    cs[2]![g]! += rx[i]! * rx[i]!;
    cs[3]![g]! += ry[i]! * ry[i]!;
    cs[4]![g]! += rx[i]! * ry[i]!;
    cn[g]! += 1;
  });
  const corrOf = (pick: (g: number) => number, draws: number): number | null => {
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, m = 0;
    for (let d = 0; d < draws; d++) {
      const g = pick(d);
      sx += cs[0]![g]!;
      sy += cs[1]![g]!;
      sxx += cs[2]![g]!;
      syy += cs[3]![g]!;
      sxy += cs[4]![g]!;
      m += cn[g]!;
    }
    return pearson(sx, sy, sxx, syy, sxy, m);
  };
  const rewardCorr = corrOf((g) => g, k);

  let ciLow: number | null = null;
  let ciHigh: number | null = null;
  let corrLow: number | null = null;
  let corrHigh: number | null = null;
  if (k >= 2) {
    const rng = seededRandom(ROLLOUT_BOOTSTRAP_SEED);
    const means = new Float64Array(resamples);
    const corrs: number[] = [];
    const draw = new Int32Array(k);
    for (let b = 0; b < resamples; b++) {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < k; i++) {
        const g = (rng() * k) | 0;
        draw[i] = g;
        sum += gSum[g]!;
        count += gCount[g]!;
      }
      means[b] = sum / count;
      if (rewardCorr !== null) {
        const c = corrOf((d) => draw[d]!, k);
        if (c !== null) corrs.push(c);
      }
    }
    means.sort();
    ciLow = percentile(means, 0.025);
    ciHigh = percentile(means, 0.975);
    // A replicate whose ranks are all tied has no correlation; the interval is given only when most replicates do.
    if (rewardCorr !== null && corrs.length >= resamples * 0.9) {
      const sorted = Float64Array.from(corrs).sort();
      corrLow = percentile(sorted, 0.025);
      corrHigh = percentile(sorted, 0.975);
    }
  }

  let num = 0;
  let den = 0;
  for (const r of scored) {
    if (r.advantage === null || !Number.isFinite(r.advantage)) continue;
    num += r.advantage * r.score!;
    den += Math.abs(r.advantage);
  }
  const advantageWeighted = den > 0 ? num / den : null;

  let total = 0;
  let above = 0;
  for (const r of scored) {
    if (r.reward === null || !Number.isFinite(r.reward)) continue;
    total += r.reward;
    if (r.score! > threshold) above += r.reward;
  }
  const rewardShare = total > 0 ? above / total : null;
  return { n, prompts: k, nulls, mean, ciLow, ciHigh, rewardCorr, corrLow, corrHigh, advantageWeighted, rewardShare };
}
