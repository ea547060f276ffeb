// The statistics of an experiment (DESIGN section 12): conditions (groups of runs that differ only by seed)
// against a control, per trait and eval context, with a two-level bootstrap. Each replicate resamples each
// condition's seeds (runs), then the items, and the item draw is shared by every condition and context of a trait:
// every run answers the same items, so a comparison between conditions (or contexts) is paired on items and the
// items' own difficulty cancels out of it. Percentile intervals; a fixed seed, so the same data give the same
// intervals. Pure functions over item means; the store and the point of comparison are the caller's.
import { seededRandom } from "../util/random.js";

/** One run's score per item (the mean over its samples) under one eval context, at the point of comparison. */
export type ItemMeans = Map<string, number>;

export interface RunCell {
  runId: number;
  /** By context id. */
  contexts: Map<string, ItemMeans>;
}

export interface ConditionData {
  name: string;
  runs: RunCell[];
}

export interface Interval {
  value: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface CellEstimate extends Interval {
  condition: string;
  context: string;
  seeds: number;
  items: number;
  /** Δ versus the control (null for the control itself), with its paired interval, and the relative change. */
  delta: Interval | null;
  relative: number | null;
}

export interface GapEstimate extends Interval {
  condition: string;
  a: string;
  b: string;
}

export interface InteractionEstimate extends Interval {
  /** The combined condition and the two whose techniques it combines. */
  condition: string;
  parts: [string, string];
}

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
}

export const EXPERIMENT_REPLICATES = 2000;
export const EXPERIMENT_SEED = 20261203;

/** A run's mean over the drawn items it answered (weights = how often each item was drawn). */
function runStat(means: ItemMeans | undefined, items: string[], weights: Float64Array): number | null {
  if (!means) return null;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < items.length; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const m = means.get(items[i]!);
    if (m === undefined) continue;
    sum += w * m;
    count += w;
  }
  return count === 0 ? null : sum / count;
}

function mean(xs: (number | null)[]): number | null {
  const v = xs.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

function percentiles(values: number[]): { lo: number | null; hi: number | null } {
  if (values.length === 0) return { lo: null, hi: null };
  const s = Float64Array.from(values).sort();
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.floor(q * s.length)))]!;
  return { lo: at(0.025), hi: at(0.975) };
}

/**
 * Condition means with intervals, Δ versus the control, gaps between contexts and interactions, for one trait.
 * `items` is the trait's item universe (ids); `contexts` the contexts to report.
 */
export function experimentStatistics(
  conditions: ConditionData[],
  control: string,
  items: string[],
  contexts: string[],
  options: BootstrapOptions & { gaps?: [string, string][]; interactions?: { condition: string; parts: [string, string] }[] } = {},
): { cells: CellEstimate[]; gaps: GapEstimate[]; interactions: InteractionEstimate[] } {
  const replicates = options.replicates ?? EXPERIMENT_REPLICATES;
  const rng = seededRandom(options.seed ?? EXPERIMENT_SEED);
  const ones = new Float64Array(items.length).fill(1);
  const K = items.length;
  const pointStat = (c: ConditionData, ctx: string) => mean(c.runs.map((r) => runStat(r.contexts.get(ctx), items, ones)));

  // Replicate statistics, by condition and context.
  const reps = new Map<string, number[]>();
  const key = (cond: string, ctx: string) => `${cond}\u0000${ctx}`;
  for (const c of conditions) for (const ctx of contexts) reps.set(key(c.name, ctx), []);
  // A mean cannot leave the range of what it averages; the seed scaling below could push a replicate past it
  // (a share above 1), so replicates are kept inside the range of the item scores seen.
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of conditions) for (const r of c.runs) for (const m of r.contexts.values()) for (const v of m.values()) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const clamp = (v: number) => (v < lo ? lo : v > hi ? hi : v);
  const weights = new Float64Array(K);
  for (let b = 0; b < replicates; b++) {
    weights.fill(0);
    for (let i = 0; i < K; i++) weights[(rng() * K) | 0]!++;
    for (const c of conditions) {
      // The same seed draw for every context of a condition: a gap between contexts is paired on runs too.
      const n = c.runs.length;
      const drawn = Array.from({ length: n }, () => (rng() * n) | 0);
      // Resampling n seeds from n underestimates their variance by (n - 1) / n, which matters at 3 seeds: the drawn
      // runs' deviations from the condition mean are scaled up by sqrt(n / (n - 1)) to undo that bias.
      const k = n > 1 ? Math.sqrt(n / (n - 1)) : 1;
      for (const ctx of contexts) {
        const x = c.runs.map((r) => runStat(r.contexts.get(ctx), items, weights));
        const all = mean(x);
        const picked = mean(drawn.map((j) => x[j]!));
        reps.get(key(c.name, ctx))!.push(all === null || picked === null ? NaN : clamp(all + k * (picked - all)));
      }
    }
  }
  const finite = (xs: number[]) => xs.filter((x) => Number.isFinite(x));

  const cells: CellEstimate[] = [];
  for (const c of conditions) {
    for (const ctx of contexts) {
      const value = pointStat(c, ctx);
      const r = reps.get(key(c.name, ctx))!;
      const { lo, hi } = percentiles(finite(r));
      let delta: Interval | null = null;
      let relative: number | null = null;
      if (c.name !== control) {
        const ctrl = conditions.find((x) => x.name === control);
        const cv = ctrl ? pointStat(ctrl, ctx) : null;
        const cr = ctrl ? reps.get(key(control, ctx))! : [];
        const d = percentiles(finite(r.map((x, i) => x - (cr[i] ?? NaN))));
        delta = { value: value !== null && cv !== null ? value - cv : null, ciLow: d.lo, ciHigh: d.hi };
        relative = value !== null && cv !== null && cv !== 0 ? (100 * (value - cv)) / Math.abs(cv) : null;
      }
      const answered = new Set(c.runs.flatMap((run) => [...(run.contexts.get(ctx)?.keys() ?? [])]));
      cells.push({ condition: c.name, context: ctx, value, ciLow: value === null ? null : lo, ciHigh: value === null ? null : hi, seeds: c.runs.filter((run) => run.contexts.has(ctx)).length, items: answered.size, delta, relative });
    }
  }

  const gaps: GapEstimate[] = [];
  for (const [a, b] of options.gaps ?? []) {
    for (const c of conditions) {
      const va = pointStat(c, a);
      const vb = pointStat(c, b);
      const ra = reps.get(key(c.name, a));
      const rb = reps.get(key(c.name, b));
      const p = ra && rb ? percentiles(finite(ra.map((x, i) => x - rb[i]!))) : { lo: null, hi: null };
      gaps.push({ condition: c.name, a, b, value: va !== null && vb !== null ? va - vb : null, ciLow: p.lo, ciHigh: p.hi });
    }
  }

  const interactions: InteractionEstimate[] = [];
  for (const { condition, parts } of options.interactions ?? []) {
    for (const ctx of contexts) {
      const d = (name: string) => cells.find((x) => x.condition === name && x.context === ctx)?.delta?.value ?? null;
      const [p1, p2] = parts;
      const v = d(condition) !== null && d(p1) !== null && d(p2) !== null ? d(condition)! - d(p1)! - d(p2)! : null;
      const rep = (name: string) => reps.get(key(name, ctx))!;
      const ctrl = rep(control);
      const dist = rep(condition).map((x, i) => x - ctrl[i]! - (rep(p1)[i]! - ctrl[i]!) - (rep(p2)[i]! - ctrl[i]!));
      const p = percentiles(finite(dist));
      interactions.push({ condition: `${condition} @ ${ctx}`, parts, value: v, ciLow: p.lo, ciHigh: p.hi });
    }
  }
  return { cells, gaps, interactions };
}
