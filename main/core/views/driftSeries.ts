// The drift view's series, made in the core so that what crosses to the page is what its panels can show: each run's
// series of the visible traits and contexts, smoothed over all of its points (a moving average of a reduced series
// would be a different curve), each group's mean across its runs computed from every point, and then everything
// cut per pixel column to the panel's width and zoom. A 10-run view of 10,000-checkpoint runs sends a few hundred
// points per line instead of 10,000.
import type { DriftColumns, DriftGroupColumns, DriftSeries } from "../../../shared/views.js";
import { meanColumnsAcrossRuns } from "../../../shared/chart/groupMeans.js";
import { reducedIndexes, type Reduction } from "../../../shared/chart/reduceSeries.js";
import { debiasedEma } from "../../../shared/chart/smoothing.js";
import type { RunColumns } from "../store/probeStore.js";
import { fitsInt32 } from "../store/scorePacks.js";

export interface DriftRequest {
  times?: boolean;
  columns?: number;
  range?: readonly [number, number];
  smoothing?: number;
}

export function driftSeries(full: readonly RunColumns[], runs: readonly { id: number; group: string | null }[], req: DriftRequest): DriftSeries {
  const smoothing = req.smoothing ?? 0;
  // Group means: on the step axis, for each group with two runs or more among those asked for.
  const groups: GroupMean[] = [];
  if (!req.times) {
    const groupOf = new Map(runs.map((r) => [r.id, r.group]));
    const members = new Map<string, RunColumns[]>();
    for (const s of full) {
      const g = groupOf.get(s.runId);
      if (!g) continue;
      const key = `${g}\u0000${s.trait}\u0000${s.context}`;
      const list = members.get(key);
      if (list) list.push(s);
      else members.set(key, [s]);
    }
    for (const [key, list] of members) {
      if (list.length < 2) continue;
      const [group, trait, context] = key.split("\u0000") as [string, string, string];
      const m = meanColumnsAcrossRuns(list.map((s) => ({ steps: s.steps, values: s.mean })));
      groups.push({ group, trait, context, runs: list.length, steps: m.steps, mean: m.mean });
    }
  }
  // Reduced only along steps: on the time axis points are ordered by completion time, which the page sorts.
  const reduce = req.columns !== undefined && !req.times;
  const r: Reduction = { columns: req.columns ?? 0, range: req.range ?? null };
  return {
    runs: full.map((s) => runColumns(s, smoothing > 0 ? emaColumn(s.mean, smoothing) : undefined, reduce ? r : null)),
    groups: groups.map((g) => groupColumns(g, reduce ? r : null)),
  };
}

/** A group's mean across its runs, as typed columns (cut per pixel column like a run's series). */
interface GroupMean {
  group: string;
  trait: string;
  context: string;
  runs: number;
  steps: Float64Array;
  mean: Float64Array;
}

/** The debiased moving average over every point (shared/chart/smoothing.ts), as a typed column with NaN where a
 * value is missing. */
export function emaColumn(values: Float32Array, weight: number): Float32Array {
  return Float32Array.from(debiasedEma(values, weight), (v) => v ?? NaN);
}

/** The points at `kept` of a column, as a column of the same kind (each kind its own loop: a constructor taken from
 * the column, or one loop over three kinds, ran several times slower over 200 series). */
export function pick<T extends Float32Array | Float64Array | Int32Array>(col: T, kept: readonly number[] | null): T {
  if (!kept) return col;
  if (col instanceof Float32Array) return pickFloat32(col, kept) as T;
  if (col instanceof Int32Array) return pickInt32(col, kept) as T;
  return pickFloat64(col as Float64Array, kept) as T;
}

function pickFloat32(col: Float32Array, kept: readonly number[]): Float32Array {
  const out = new Float32Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = col[kept[k]!]!;
  return out;
}

function pickInt32(col: Int32Array, kept: readonly number[]): Int32Array {
  const out = new Int32Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = col[kept[k]!]!;
  return out;
}

function pickFloat64(col: Float64Array, kept: readonly number[]): Float64Array {
  const out = new Float64Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = col[kept[k]!]!;
  return out;
}

/** Steps as Int32 when every one is an integer that fits (half the bytes on the wire), else as Float64. */
export function stepColumn(steps: ArrayLike<number>): Int32Array | Float64Array {
  if (steps instanceof Int32Array) return steps;
  const n = steps.length;
  let fits = true;
  for (let i = 0; i < n && fits; i++) fits = fitsInt32(steps[i]!);
  const out = fits ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = steps[i]!;
  return out;
}

/** A run's series cut per pixel column (when `r` is set) to the wire's columns. */
function runColumns(s: RunColumns, smoothed: Float32Array | undefined, r: Reduction | null): DriftColumns {
  const { kept, of } = r ? reducedIndexes(s.steps, s.mean, r) : { kept: null };
  return {
    runId: s.runId,
    trait: s.trait,
    context: s.context,
    steps: stepColumn(pick(s.steps, kept)),
    mean: pick(s.mean, kept),
    ciLow: pick(s.ciLow, kept),
    ciHigh: pick(s.ciHigh, kept),
    ...(s.completed ? { completed: pick(s.completed, kept) } : {}),
    ...(smoothed ? { smoothed: pick(smoothed, kept) } : {}),
    ...(of !== undefined ? { of } : {}),
  };
}

/** A group's mean cut per pixel column (when `r` is set) to the wire's columns. */
function groupColumns(g: GroupMean, r: Reduction | null): DriftGroupColumns {
  const { kept, of } = r ? reducedIndexes(g.steps, g.mean, r) : { kept: null };
  return { group: g.group, trait: g.trait, context: g.context, runs: g.runs, steps: stepColumn(pick(g.steps, kept)), mean: Float32Array.from(pick(g.mean, kept)), ...(of !== undefined ? { of } : {}) };
}
