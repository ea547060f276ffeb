// The drift view's series, made in the core so that what crosses to the page is what its panels can show: each run's
// series of the visible traits and contexts, smoothed over all of its points (a moving average of a reduced series
// would be a different curve), each group's mean across its runs computed from every point, and then everything
// cut per pixel column to the panel's width and zoom. A 10-run view of 10,000-checkpoint runs sends a few hundred
// points per line instead of 10,000.
import type { DriftSeries, GroupSeries, ScoreSeries } from "../../../shared/views.js";
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
  const withSmoothing = smoothing > 0 ? full.map((s) => ({ ...s, smoothed: debiasedEma(s.mean, smoothing).map((v) => (v === null || s.scale === undefined ? v : Math.round(v))) })) : full;
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
      groups.push({ group, trait, context, runs: list.length, steps: m.steps, mean: scale === undefined ? m.mean : m.mean.map(Math.round), ...(scale === undefined ? {} : { scale }) });
    }
  }
  // Reduced only along steps: on the time axis points are ordered by completion time, which the page sorts.
  if (req.columns === undefined || req.times) return { runs: [...withSmoothing], groups };
  const r: Reduction = { columns: req.columns, range: req.range ?? null };
  return { runs: withSmoothing.map((s) => reduceSeries(s, r)), groups: groups.map((g) => reduceSeries(g, r)) };
}
