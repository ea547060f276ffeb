// The drift view's series, made in the core so that what crosses to the page is what its panels can show: each run's
// series of the visible traits and contexts, smoothed over all of its points (a moving average of a reduced series
// would be a different curve), each group's mean across its runs computed from every point, and then everything
// cut per pixel column to the panel's width and zoom. A 10-run view of 10,000-checkpoint runs sends a few hundred
// points per line instead of 10,000.
import type { DriftColumns, DriftGroupColumns, DriftSeries, GroupSeries, ScoreSeries } from "../../../shared/views.js";
import { meanAcrossRuns } from "../../../shared/chart/groupMeans.js";
import { reduceSeries, type Reduction } from "../../../shared/chart/reduceSeries.js";
import { debiasedEma } from "../../../shared/chart/smoothing.js";

export interface DriftRequest {
  times?: boolean;
  columns?: number;
  range?: readonly [number, number];
  smoothing?: number;
}

export function driftSeries(full: readonly ScoreSeries[], runs: readonly { id: number; group: string | null }[], req: DriftRequest): DriftSeries {
  const smoothing = req.smoothing ?? 0;
  const withSmoothing = smoothing > 0 ? full.map((s) => ({ ...s, smoothed: debiasedEma(s.mean, smoothing) })) : full;
  // Group means: on the step axis, for each group with two runs or more among those asked for.
  const groups: GroupSeries[] = [];
  if (!req.times) {
    const groupOf = new Map(runs.map((r) => [r.id, r.group]));
    const members = new Map<string, ScoreSeries[]>();
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
      const m = meanAcrossRuns(list.map((s) => ({ steps: s.steps, values: s.mean })));
      const scale = list[0]!.scale;
      groups.push({ group, trait, context, runs: list.length, steps: m.steps, mean: m.mean, ...(scale === undefined ? {} : { scale }) });
    }
  }
  // Reduced only along steps: on the time axis points are ordered by completion time, which the page sorts.
  const reduce = req.columns !== undefined && !req.times;
  const r: Reduction = { columns: req.columns ?? 0, range: req.range ?? null };
  return { runs: withSmoothing.map((s) => runColumns(reduce ? reduceSeries(s, r) : s)), groups: groups.map((g) => groupColumns(reduce ? reduceSeries(g, r) : g)) };
}

/** Values in their own units as Float32, NaN for a missing one (the cached series hold integers of 1/scale). */
function values(col: readonly (number | null)[], scale: number | undefined): Float32Array {
  const out = new Float32Array(col.length);
  const k = scale ?? 1;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    out[i] = v === null || v === undefined ? NaN : v / k;
  }
  return out;
}

function float64(col: readonly (number | null)[]): Float64Array {
  const out = new Float64Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = col[i] ?? NaN;
  return out;
}

/** Steps as Int32 when every one is an integer that fits (half the bytes on the wire), else as Float64. */
function stepColumn(steps: readonly number[]): Int32Array | Float64Array {
  for (const s of steps) if (!Number.isInteger(s) || s < -2_147_483_648 || s > 2_147_483_647) return float64(steps);
  return Int32Array.from(steps);
}

function runColumns(s: ScoreSeries): DriftColumns {
  return {
    runId: s.runId,
    trait: s.trait,
    context: s.context,
    steps: stepColumn(s.steps),
    mean: values(s.mean, s.scale),
    ciLow: values(s.ciLow, s.scale),
    ciHigh: values(s.ciHigh, s.scale),
    ...(s.completed ? { completed: float64(s.completed) } : {}),
    ...(s.smoothed ? { smoothed: values(s.smoothed, s.scale) } : {}),
    ...(s.of !== undefined ? { of: s.of } : {}),
  };
}

function groupColumns(g: GroupSeries): DriftGroupColumns {
  return { group: g.group, trait: g.trait, context: g.context, runs: g.runs, steps: stepColumn(g.steps), mean: values(g.mean, g.scale), ...(g.of !== undefined ? { of: g.of } : {}) };
}
