// When an alert rule fires, as pure functions over a series in step order. A rule fires once per crossing: at a
// point where its condition holds while at the previous point it did not (or at the first point, if it holds
// there), and re-arms when the condition stops holding. Evaluated over the whole series each time, so the steps
// that fire never depend on the order checkpoints were probed in.
import type { AlertCondition } from "../../../shared/views.js";

export interface SeriesPoint {
  step: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Samples with a score and without (for the null-rate rule). */
  n?: number;
  nulls?: number;
}

export interface Firing {
  step: number;
  /** What crossed: the mean, the change, the slope or the null share. */
  value: number;
}

export type SeriesCondition = Exclude<AlertCondition, { kind: "stalled" } | { kind: "probe-failures" }>;

/** Least-squares slope of value against step (value per RL step). */
export function slope(points: { step: number; mean: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.step, 0) / n;
  const my = points.reduce((a, p) => a + p.mean, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.step - mx) * (p.mean - my);
    sxx += (p.step - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Whether the condition holds at point i (given the points before it), and the value that says so. */
function holds(points: SeriesPoint[], i: number, c: SeriesCondition): { holds: boolean; value: number } {
  const p = points[i]!;
  const m = p.mean!;
  switch (c.kind) {
    case "above":
      return { holds: c.ci ? p.ciLow !== null && p.ciLow > c.value : m > c.value, value: m };
    case "below":
      return { holds: c.ci ? p.ciHigh !== null && p.ciHigh < c.value : m < c.value, value: m };
    case "jump": {
      if (i === 0) return { holds: false, value: 0 };
      const q = points[i - 1]!;
      const delta = m - q.mean!;
      // With ci: the two checkpoints' 95% intervals stop overlapping, whatever the size of the change.
      const apart = p.ciLow !== null && p.ciHigh !== null && q.ciLow !== null && q.ciHigh !== null && (p.ciLow > q.ciHigh || p.ciHigh < q.ciLow);
      return { holds: c.ci ? apart : Math.abs(delta) > c.value, value: delta };
    }
    case "trend": {
      if (i + 1 < c.window) return { holds: false, value: 0 };
      const s = slope(points.slice(i + 1 - c.window, i + 1) as { step: number; mean: number }[]);
      // A negative threshold asks for a falling trend.
      return { holds: c.value >= 0 ? s > c.value : s < c.value, value: s };
    }
    case "null-rate": {
      const total = (p.n ?? 0) + (p.nulls ?? 0);
      const share = total === 0 ? 0 : (p.nulls ?? 0) / total;
      return { holds: share > c.value, value: share };
    }
  }
}

/** The steps where the rule fires, in step order. Points without a value (nothing scored) are skipped. */
export function firingSteps(series: SeriesPoint[], condition: SeriesCondition): Firing[] {
  const points = [...series].filter((p) => condition.kind === "null-rate" || p.mean !== null).sort((a, b) => a.step - b.step);
  const out: Firing[] = [];
  let armed = true;
  for (let i = 0; i < points.length; i++) {
    const h = holds(points, i, condition);
    if (h.holds && armed) out.push({ step: points[i]!.step, value: h.value });
    armed = !h.holds;
  }
  return out;
}

/**
 * The stall rule: no new checkpoint for three times the run's recent median interval between checkpoints (over the
 * last 50 intervals; at least two are needed to know the rhythm). Returns how long it has been quiet and the
 * limit, or null. `times` other than 3 asks whether it is that many intervals late.
 */
export function stalled(completedAtMs: number[], nowMs: number, times = 3): { quietMs: number; limitMs: number } | null {
  const recent = [...completedAtMs].sort((a, b) => a - b).slice(-51);
  if (recent.length < 3) return null;
  const gaps = recent.slice(1).map((t, i) => t - recent[i]!).sort((a, b) => a - b);
  const median = gaps.length % 2 ? gaps[(gaps.length - 1) / 2]! : (gaps[gaps.length / 2 - 1]! + gaps[gaps.length / 2]!) / 2;
  const quietMs = nowMs - recent[recent.length - 1]!;
  const limitMs = times * Math.max(median, 1);
  return quietMs > limitMs ? { quietMs, limitMs } : null;
}
