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

/**
 * Every (condition, context, run) column of a trait's item means, dense and item-major: column c's value for item i
 * at [i * columns + c] (0 where the run did not answer) with a 0/1 mask beside it. A replicate's run means are then
 * one pass over the drawn items (items drawn 0 times skipped, about a third), each adding its weight times one long
 * contiguous row: the bootstrap does this for every replicate, and it is most of its work. When every run answered
 * every item the weight total is K and the mask is not read.
 */
interface Columns {
  count: number;
  values: Float64Array;
  mask: Float64Array;
  complete: boolean;
  /** Per column: 0 when the run has no scores under this context. */
  present: Uint8Array;
  sums: Float64Array;
  weightTotals: Float64Array;
}

function columns(conditions: ConditionData[], contexts: string[], items: string[]): { cols: Columns; offset: (c: number, t: number) => number } {
  const K = items.length;
  const starts: number[][] = [];
  let count = 0;
  for (const c of conditions) {
    starts.push(contexts.map(() => {
      const at = count;
      count += c.runs.length;
      return at;
    }));
  }
  const values = new Float64Array(count * K);
  const mask = new Float64Array(count * K);
  const present = new Uint8Array(count);
  let complete = true;
  conditions.forEach((c, ci) =>
    contexts.forEach((ctx, ti) =>
      c.runs.forEach((run, j) => {
        const col = starts[ci]![ti]! + j;
        const means = run.contexts.get(ctx);
        let answered = 0;
        for (let i = 0; i < K && means; i++) {
          const m = means.get(items[i]!);
          if (m === undefined) continue;
          values[i * count + col] = m;
          mask[i * count + col] = 1;
          answered++;
        }
        present[col] = answered > 0 ? 1 : 0;
        if (answered !== K) complete = false;
      }),
    ),
  );
  return { cols: { count, values, mask, complete, present, sums: new Float64Array(count), weightTotals: new Float64Array(count) }, offset: (c, t) => starts[c]![t]! };
}

/** Each column's mean over the drawn items it answered (weights = how often each item was drawn); NaN for none. */
function runStats(b: Columns, weights: Float64Array, K: number, out: Float64Array): void {
  const { count: n, values, mask, sums, weightTotals, complete, present } = b;
  sums.fill(0);
  if (!complete) weightTotals.fill(0);
  for (let i = 0; i < K; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    const off = i * n;
    for (let j = 0; j < n; j++) sums[j] = sums[j]! + w * values[off + j]!;
    if (!complete) for (let j = 0; j < n; j++) weightTotals[j] = weightTotals[j]! + w * mask[off + j]!;
  }
  for (let j = 0; j < n; j++) {
    const total = complete ? K : weightTotals[j]!;
    out[j] = present[j] === 0 || total === 0 ? NaN : sums[j]! / total;
  }
}

/** The mean of the finite entries of xs[from..from+n) (or of xs[from + idx[0..n)]), NaN for none. */
function finiteMean(xs: Float64Array, from: number, n: number, idx?: Int32Array): number {
  let sum = 0;
  let count = 0;
  for (let j = 0; j < n; j++) {
    const v = idx ? xs[from + idx[j]!]! : xs[from + j]!;
    if (v === v) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

const orNull = (v: number) => (Number.isNaN(v) ? null : v);

/**
 * Rearranges a[left..right] so a[k] holds the value of rank k, smaller values before it and larger after (Hoare's
 * selection with a median-of-three pivot). Written here rather than d3's quickselect because this runs on typed
 * arrays of plain finite numbers for every cell, Δ, gap and interaction, and a comparator call per step was a
 * fifth of the statistics' time.
 */
function select(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    const mid = (left + right) >>> 1;
    const x = a[left]!;
    const y = a[mid]!;
    const z = a[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/**
 * The 2.5% and 97.5% points of the finite values (the element of rank floor(q * n) of the sorted values), found by
 * selection rather than a sort: a few thousand values per cell, for every cell, Δ, gap and interaction.
 */
function percentiles(values: Float64Array): { lo: number | null; hi: number | null } {
  let n = 0;
  const s = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) s[n++] = values[i]!;
  if (n === 0) return { lo: null, hi: null };
  const rank = (q: number) => Math.min(n - 1, Math.max(0, Math.floor(q * n)));
  const a = s.subarray(0, n);
  const loRank = rank(0.025);
  const hiRank = rank(0.975);
  select(a, loRank, 0, n - 1);
  // Everything right of loRank is now >= it: the upper point is selected there (not including loRank, which a
  // selection over its range would move).
  if (hiRank > loRank) select(a, hiRank, loRank + 1, n - 1);
  return { lo: a[loRank]!, hi: a[hiRank]! };
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
  const K = items.length;
  const ones = new Float64Array(K).fill(1);
  const { cols, offset } = columns(conditions, contexts, items);
  const maxRuns = Math.max(1, ...conditions.map((c) => c.runs.length));
  const x = new Float64Array(cols.count);
  const ci = (cond: string) => conditions.findIndex((c) => c.name === cond);
  const xi = (ctx: string) => contexts.indexOf(ctx);
  // The point estimate: the mean over runs of each run's mean over every item it answered.
  runStats(cols, ones, K, x);
  const points = conditions.map((c, ci) => contexts.map((_, ti) => finiteMean(x, offset(ci, ti), c.runs.length)));
  const pointStat = (cond: string, ctx: string) => (ci(cond) < 0 || xi(ctx) < 0 ? null : orNull(points[ci(cond)]![xi(ctx)]!));

  // A mean cannot leave the range of what it averages; the seed scaling below could push a replicate past it
  // (a share above 1), so replicates are kept inside the range of the item scores seen.
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of conditions) for (const r of c.runs) for (const m of r.contexts.values()) for (const v of m.values()) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  // Replicate statistics, by condition, then context, then replicate.
  const reps = conditions.map(() => contexts.map(() => new Float64Array(replicates)));
  const weights = new Float64Array(K);
  const drawn = new Int32Array(maxRuns);
  for (let b = 0; b < replicates; b++) {
    weights.fill(0);
    for (let i = 0; i < K; i++) weights[(rng() * K) | 0]!++;
    runStats(cols, weights, K, x);
    for (let c = 0; c < conditions.length; c++) {
      // The same seed draw for every context of a condition: a gap between contexts is paired on runs too.
      const n = conditions[c]!.runs.length;
      for (let j = 0; j < n; j++) drawn[j] = (rng() * n) | 0;
      // Resampling n seeds from n underestimates their variance by (n - 1) / n, which matters at 3 seeds: the drawn
      // runs' deviations from the condition mean are scaled up by sqrt(n / (n - 1)) to undo that bias.
      const k = n > 1 ? Math.sqrt(n / (n - 1)) : 1;
      for (let t = 0; t < contexts.length; t++) {
        // Runs without this context (or without any drawn item) are left out of both means.
        const all = finiteMean(x, offset(c, t), n);
        const picked = finiteMean(x, offset(c, t), n, drawn);
        const v = all + k * (picked - all);
        reps[c]![t]![b] = v !== v ? NaN : v < lo ? lo : v > hi ? hi : v;
      }
    }
  }
  const rep = (cond: string, ctx: string) => reps[ci(cond)]![xi(ctx)]!;
  const combine = (f: (i: number) => number) => {
    const out = new Float64Array(replicates);
    for (let i = 0; i < replicates; i++) out[i] = f(i);
    return out;
  };

  const cells: CellEstimate[] = [];
  const hasControl = ci(control) >= 0;
  for (const c of conditions) {
    for (const ctx of contexts) {
      const value = pointStat(c.name, ctx);
      const r = rep(c.name, ctx);
      const { lo, hi } = percentiles(r);
      let delta: Interval | null = null;
      let relative: number | null = null;
      if (c.name !== control) {
        const cv = hasControl ? pointStat(control, ctx) : null;
        const cr = hasControl ? rep(control, ctx) : null;
        const d = cr ? percentiles(combine((i) => r[i]! - cr[i]!)) : { lo: null, hi: null };
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
      const va = pointStat(c.name, a);
      const vb = pointStat(c.name, b);
      const known = xi(a) >= 0 && xi(b) >= 0;
      const p = known ? percentiles(combine((i) => rep(c.name, a)[i]! - rep(c.name, b)[i]!)) : { lo: null, hi: null };
      gaps.push({ condition: c.name, a, b, value: va !== null && vb !== null ? va - vb : null, ciLow: p.lo, ciHigh: p.hi });
    }
  }

  const interactions: InteractionEstimate[] = [];
  for (const { condition, parts } of options.interactions ?? []) {
    for (const ctx of contexts) {
      const d = (name: string) => cells.find((x) => x.condition === name && x.context === ctx)?.delta?.value ?? null;
      const [p1, p2] = parts;
      const v = d(condition) !== null && d(p1) !== null && d(p2) !== null ? d(condition)! - d(p1)! - d(p2)! : null;
      const ctrl = rep(control, ctx);
      const [rc, r1, r2] = [rep(condition, ctx), rep(p1, ctx), rep(p2, ctx)];
      const p = percentiles(combine((i) => rc[i]! - ctrl[i]! - (r1[i]! - ctrl[i]!) - (r2[i]! - ctrl[i]!)));
      interactions.push({ condition: `${condition} @ ${ctx}`, parts, value: v, ciLow: p.lo, ciHigh: p.hi });
    }
  }
  return { cells, gaps, interactions };
}
