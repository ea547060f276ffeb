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
  weightTotals: Float64Array;
  /** Scratch for weightedRowSums: the drawn items' row offsets and weights. */
  offsets: Int32Array;
  ws: Float64Array;
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
  return { cols: { count, values, mask, complete, present, weightTotals: new Float64Array(count), offsets: new Int32Array(K), ws: new Float64Array(K) }, offset: (c, t) => starts[c]![t]! };
}

/**
 * sums[j] = scale times the sum over the drawn items of weight times values[item][j], for every column j. Eight (then
 * four, then the rest) items per pass over the columns: one load and store of each running sum for several rows
 * added, which more than halves the time of this, the bootstrap's innermost loop. The weights are 0 for about a
 * third of the items, so only the drawn ones count. The additions happen in item order, as a plain loop would.
 */
function weightedRowSums(values: Float64Array, n: number, weights: Float64Array, K: number, scale: number, offsets: Int32Array, ws: Float64Array, sums: Float64Array): void {
  let m = 0;
  for (let i = 0; i < K; i++) {
    if (weights[i] === 0) continue;
    offsets[m] = i * n;
    ws[m++] = weights[i]! * scale;
  }
  sums.fill(0);
  let q = 0;
  for (; q + 8 <= m; q += 8) {
    const o0 = offsets[q]!, o1 = offsets[q + 1]!, o2 = offsets[q + 2]!, o3 = offsets[q + 3]!, o4 = offsets[q + 4]!, o5 = offsets[q + 5]!, o6 = offsets[q + 6]!, o7 = offsets[q + 7]!;
    const w0 = ws[q]!, w1 = ws[q + 1]!, w2 = ws[q + 2]!, w3 = ws[q + 3]!, w4 = ws[q + 4]!, w5 = ws[q + 5]!, w6 = ws[q + 6]!, w7 = ws[q + 7]!;
    for (let j = 0; j < n; j++) {
      sums[j] = sums[j]! + w0 * values[o0 + j]! + w1 * values[o1 + j]! + w2 * values[o2 + j]! + w3 * values[o3 + j]! + w4 * values[o4 + j]! + w5 * values[o5 + j]! + w6 * values[o6 + j]! + w7 * values[o7 + j]!;
    }
  }
  if (q + 4 <= m) {
    const o0 = offsets[q]!, o1 = offsets[q + 1]!, o2 = offsets[q + 2]!, o3 = offsets[q + 3]!;
    const w0 = ws[q]!, w1 = ws[q + 1]!, w2 = ws[q + 2]!, w3 = ws[q + 3]!;
    for (let j = 0; j < n; j++) sums[j] = sums[j]! + w0 * values[o0 + j]! + w1 * values[o1 + j]! + w2 * values[o2 + j]! + w3 * values[o3 + j]!;
    q += 4;
  }
  const rest = m - q;
  if (rest === 3) {
    const o0 = offsets[q]!, o1 = offsets[q + 1]!, o2 = offsets[q + 2]!;
    const w0 = ws[q]!, w1 = ws[q + 1]!, w2 = ws[q + 2]!;
    for (let j = 0; j < n; j++) sums[j] = sums[j]! + w0 * values[o0 + j]! + w1 * values[o1 + j]! + w2 * values[o2 + j]!;
  } else if (rest === 2) {
    const o0 = offsets[q]!, o1 = offsets[q + 1]!;
    const w0 = ws[q]!, w1 = ws[q + 1]!;
    for (let j = 0; j < n; j++) sums[j] = sums[j]! + w0 * values[o0 + j]! + w1 * values[o1 + j]!;
  } else if (rest === 1) {
    const o0 = offsets[q]!;
    const w0 = ws[q]!;
    for (let j = 0; j < n; j++) sums[j] = sums[j]! + w0 * values[o0 + j]!;
  }
}

/** Each column's mean over the drawn items it answered (weights = how often each item was drawn); NaN for none. */
function runStats(b: Columns, weights: Float64Array, K: number, out: Float64Array): void {
  const { count: n, values, mask, weightTotals, complete, present, offsets, ws } = b;
  // When every run answered every item, the weights total K for every column: the means come out of the sums
  // directly, with the weights scaled by 1/K.
  if (complete) return weightedRowSums(values, n, weights, K, 1 / K, offsets, ws, out);
  weightedRowSums(values, n, weights, K, 1, offsets, ws, out);
  weightedRowSums(mask, n, weights, K, 1, offsets, ws, weightTotals);
  for (let j = 0; j < n; j++) {
    const total = weightTotals[j]!;
    out[j] = present[j] === 0 || total === 0 ? NaN : out[j]! / total;
  }
}

interface ReplicateDraw {
  cols: Columns;
  K: number;
  replicates: number;
  rng: () => number;
  /** Runs per condition. */
  runCounts: Int32Array;
  /** Contexts. */
  T: number;
  /** Per cell (condition * T + context): its first column, and whether it is dense. */
  cellOffsets: Int32Array;
  dense: Uint8Array;
  /** The range replicates are kept in. */
  lo: number;
  hi: number;
  /** Scratch: the run means of one replicate, by column. */
  x: Float64Array;
  /** Replicate b of cell c at [c * replicates + b]. */
  out: Float64Array;
}

/**
 * The bootstrap's replicates, by cell: for each replicate the item draw (shared by every cell), every run's mean
 * over it, then for each condition a seed draw (shared by its contexts) and each cell's value. A function of its own,
 * over typed arrays only, so the engine optimises this loop by itself and early.
 */
function drawReplicates(d: ReplicateDraw): void {
  const { cols, K, replicates, rng, runCounts, T, cellOffsets, dense, lo, hi, x, out } = d;
  const conditions = runCounts.length;
  let maxRuns = 1;
  for (let c = 0; c < conditions; c++) maxRuns = Math.max(maxRuns, runCounts[c]!);
  const weights = new Float64Array(K);
  const drawn = new Int32Array(maxRuns);
  const coefficients = new Float64Array(maxRuns);
  for (let b = 0; b < replicates; b++) {
    weights.fill(0);
    for (let i = 0; i < K; i++) weights[(rng() * K) | 0]!++;
    runStats(cols, weights, K, x);
    for (let c = 0; c < conditions; c++) {
      // The same seed draw for every context of a condition: a gap between contexts is paired on runs too.
      const n = runCounts[c]!;
      for (let j = 0; j < n; j++) drawn[j] = (rng() * n) | 0;
      // Resampling n seeds from n underestimates their variance by (n - 1) / n, which matters at 3 seeds: the drawn
      // runs' deviations from the condition mean are scaled up by sqrt(n / (n - 1)) to undo that bias.
      const k = n > 1 ? Math.sqrt(n / (n - 1)) : 1;
      // all + k * (picked - all), with all the mean of the n run means and picked the mean of the drawn ones, is
      // sum_j x_j * ((1 - k) + k * times_j) / n, times_j being how often run j was drawn.
      coefficients.fill((1 - k) / n, 0, n);
      for (let j = 0; j < n; j++) coefficients[drawn[j]!] = coefficients[drawn[j]!]! + k / n;
      for (let t = 0; t < T; t++) {
        const cell = c * T + t;
        const from = cellOffsets[cell]!;
        let v: number;
        if (dense[cell] === 1) {
          v = 0;
          for (let j = 0; j < n; j++) v += coefficients[j]! * x[from + j]!;
        } else {
          // Runs without this context (or without any drawn item) are left out of both means.
          const all = finiteMean(x, from, n);
          const picked = finiteMean(x, from, n, drawn);
          v = all + k * (picked - all);
        }
        out[cell * replicates + b] = v !== v ? NaN : v < lo ? lo : v > hi ? hi : v;
      }
    }
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

/** How many items at least one of the n columns from `from` answered. */
function answeredItems(b: Columns, K: number, from: number, n: number): number {
  let count = 0;
  for (let i = 0; i < K; i++) {
    const row = i * b.count + from;
    for (let j = 0; j < n; j++) {
      if (b.mask[row + j] === 1) {
        count++;
        break;
      }
    }
  }
  return count;
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

/** Where the percentile functions gather the finite values (grown as needed, reused: thousands of calls a request). */
let scratch = new Float64Array(0);

function scratchOf(length: number): Float64Array {
  if (scratch.length < length) scratch = new Float64Array(length);
  return scratch;
}

/** The 2.5% and 97.5% points of the finite values of a (or of a - b, element by element). */
function percentiles(a: Float64Array, b?: Float64Array): { lo: number | null; hi: number | null } {
  const s = scratchOf(a.length);
  let n = 0;
  if (b) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]! - b[i]!;
      if (v - v === 0) s[n++] = v; // finite: Infinity - Infinity and NaN - NaN are NaN
    }
  } else {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (v - v === 0) s[n++] = v;
    }
  }
  return selectPercentiles(s, n);
}

/** Where the tails of the values are gathered, for selectPercentiles. */
let tails = new Float64Array(0);
/** A sample of the values, sorted, for choosing the tails' bounds. */
const SAMPLE = 64;
const sample = new Float64Array(SAMPLE);

/**
 * The 2.5% and 97.5% points of s[0..n) (the element of rank floor(q * n) of the sorted values), exactly, found by
 * selection rather than a sort: a few thousand values per cell, for every cell, Δ, gap and interaction. Only the
 * tails matter, so bounds a little inside each tail are read off a sorted sample of 64 values, one pass gathers the
 * values at or beyond each bound (about a tenth of them), and the point is selected among those. Every value of rank
 * up to the lower point is at or below a bound that at least that many values are at or below, so the tail holds
 * it, and the same for the upper; when a bound turns out too tight (rare), the whole array is selected instead.
 */
export function selectPercentiles(s: Float64Array, n: number): { lo: number | null; hi: number | null } {
  if (n === 0) return { lo: null, hi: null };
  const rank = (q: number) => Math.min(n - 1, Math.max(0, Math.floor(q * n)));
  const loRank = rank(0.025);
  const hiRank = rank(0.975);
  if (n < 16 * SAMPLE) {
    select(s, loRank, 0, n - 1);
    // Everything right of loRank is now >= it: the upper point is selected there (not including loRank, which a
    // selection over its range would move).
    if (hiRank > loRank) select(s, hiRank, loRank + 1, n - 1);
    return { lo: s[loRank]!, hi: s[hiRank]! };
  }
  // The values are bootstrap replicates in the order drawn, so evenly spaced ones are a random sample of them.
  const stride = Math.floor(n / SAMPLE);
  for (let i = 0; i < SAMPLE; i++) sample[i] = s[i * stride]!;
  sample.sort();
  // 2.5% of 64 is 1.6: the 8th smallest and 8th largest leave about 11% in each tail, far more than 2.5% needs.
  const loBound = sample[7]!;
  const hiBound = sample[SAMPLE - 8]!;
  if (tails.length < 2 * n) tails = new Float64Array(2 * n);
  let low = 0;
  let high = n;
  for (let i = 0; i < n; i++) {
    const v = s[i]!;
    if (v <= loBound) tails[low++] = v;
    else if (v >= hiBound) tails[high++] = v;
  }
  // The upper tail counted from the top: the value of rank hiRank is the (n - 1 - hiRank)-th largest.
  const highCount = high - n;
  const fromTop = n - 1 - hiRank;
  let lo: number;
  let hi: number;
  if (low > loRank) {
    select(tails, loRank, 0, low - 1);
    lo = tails[loRank]!;
  } else {
    select(s, loRank, 0, n - 1);
    lo = s[loRank]!;
  }
  if (highCount > fromTop && hiBound > loBound) {
    const k = n + highCount - 1 - fromTop;
    select(tails, k, n, high - 1);
    hi = tails[k]!;
  } else {
    select(s, hiRank, 0, n - 1);
    hi = s[hiRank]!;
  }
  return { lo, hi };
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
  // One allocation for all of them (a few megabytes), viewed per cell.
  const repStore = new Float64Array(conditions.length * contexts.length * replicates);
  const reps = conditions.map((_, c) => contexts.map((_, t) => repStore.subarray((c * contexts.length + t) * replicates, (c * contexts.length + t + 1) * replicates)));
  const T = contexts.length;
  const runCounts = Int32Array.from(conditions, (c) => c.runs.length);
  const cellOffsets = new Int32Array(conditions.length * T);
  // A cell whose runs all have scores under its context, in a workspace where every run answered every item, never
  // has a NaN run mean: its replicate is a fixed combination of its run means (see drawReplicates), with no checks.
  const dense = new Uint8Array(conditions.length * T);
  conditions.forEach((c, ci) =>
    contexts.forEach((_, ti) => {
      cellOffsets[ci * T + ti] = offset(ci, ti);
      dense[ci * T + ti] = cols.complete && c.runs.length > 0 && c.runs.every((_, j) => cols.present[offset(ci, ti) + j] === 1) ? 1 : 0;
    }),
  );
  drawReplicates({ cols, K, replicates, rng, runCounts, T, cellOffsets, dense, lo, hi, x, out: repStore });
  const rep = (cond: string, ctx: string) => reps[ci(cond)]![xi(ctx)]!;

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
        const d = cr ? percentiles(r, cr) : { lo: null, hi: null };
        delta = { value: value !== null && cv !== null ? value - cv : null, ciLow: d.lo, ciHigh: d.hi };
        relative = value !== null && cv !== null && cv !== 0 ? (100 * (value - cv)) / Math.abs(cv) : null;
      }
      const answered = answeredItems(cols, K, offset(ci(c.name), xi(ctx)), c.runs.length);
      cells.push({ condition: c.name, context: ctx, value, ciLow: value === null ? null : lo, ciHigh: value === null ? null : hi, seeds: c.runs.filter((run) => run.contexts.has(ctx)).length, items: answered, delta, relative });
    }
  }

  const gaps: GapEstimate[] = [];
  for (const [a, b] of options.gaps ?? []) {
    for (const c of conditions) {
      const va = pointStat(c.name, a);
      const vb = pointStat(c.name, b);
      const known = xi(a) >= 0 && xi(b) >= 0;
      const [ra, rb] = known ? [rep(c.name, a), rep(c.name, b)] : [null, null];
      const p = ra && rb ? percentiles(ra, rb) : { lo: null, hi: null };
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
      const combined = new Float64Array(replicates);
      for (let i = 0; i < replicates; i++) combined[i] = rc[i]! - ctrl[i]! - (r1[i]! - ctrl[i]!) - (r2[i]! - ctrl[i]!);
      const p = percentiles(combined);
      interactions.push({ condition: `${condition} @ ${ctx}`, parts, value: v, ciLow: p.lo, ciHigh: p.hi });
    }
  }
  return { cells, gaps, interactions };
}
