// Turning scores and metrics into chart series: one per run, plus a group mean with a band across runs (seeds).
import type { RunView, ScoreSeries } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";
import { debiasedEma } from "../../shared/chart/smoothing.js";
import { runColour } from "./RunsSidebar.js";

export type XAxis = "step" | "time";

/** Index of score series by run, trait and context. */
export type ScoreIndex = Map<string, ScoreSeries>;
export const scoreKey = (runId: number, trait: string, context: string) => `${runId}\u0000${trait}\u0000${context}`;

export function indexScores(list: ScoreSeries[]): ScoreIndex {
  return new Map(list.map((s) => [scoreKey(s.runId, s.trait, s.context), s]));
}

export function scoreSeries(runs: RunView[], scores: ScoreIndex, trait: string, context: string, xAxis: XAxis, smoothing: number): PanelSeries[] {
  const out: PanelSeries[] = [];
  for (const run of runs) {
    const s = scores.get(scoreKey(run.id, trait, context));
    if (!s) continue;
    const pts = s.steps
      .map((step, i) => ({ x: xAxis === "step" ? step : (s.completed?.[i] ?? NaN), y: s.mean[i] ?? null, lo: s.ciLow[i] ?? null, hi: s.ciHigh[i] ?? null }))
      .filter((p) => Number.isFinite(p.x));
    if (xAxis !== "step") pts.sort((a, b) => a.x - b.x);
    if (pts.length === 0) continue;
    out.push({ key: `run:${run.id}`, label: run.name, colour: runColour(run), points: pts, smoothed: smoothing > 0 ? debiasedEma(pts.map((p) => p.y), smoothing) : undefined });
  }
  if (xAxis === "step") out.push(...groupMeans(runs, out));
  return out;
}

/** Mean across the runs of a group at each step they share, with a 95% band from the spread across runs. */
export function groupMeans(runs: RunView[], series: PanelSeries[]): PanelSeries[] {
  const byGroup = new Map<string, PanelSeries[]>();
  for (const s of series) {
    const run = runs.find((r) => `run:${r.id}` === s.key);
    if (!run?.group) continue;
    byGroup.set(run.group, [...(byGroup.get(run.group) ?? []), s]);
  }
  const out: PanelSeries[] = [];
  for (const [group, list] of byGroup) {
    if (list.length < 2) continue;
    const steps = [...new Set(list.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
    const byX = list.map((s) => new Map(s.points.map((p) => [p.x, p.y])));
    const points = steps.flatMap((x) => {
      const ys = byX.map((m) => m.get(x)).filter((v): v is number => v !== null && v !== undefined);
      if (ys.length < 2) return [];
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const sd = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (ys.length - 1));
      const half = (1.96 * sd) / Math.sqrt(ys.length);
      return [{ x, y: mean, lo: mean - half, hi: mean + half }];
    });
    out.push({ key: `group:${group}`, label: `${group} (mean of ${list.length})`, colour: "#555555", points, dashed: true });
  }
  return out;
}

export function extent(series: PanelSeries[][]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of series) {
    for (const s of list) {
      for (const p of s.points) {
        lo = Math.min(lo, p.x);
        hi = Math.max(hi, p.x);
      }
    }
  }
  return Number.isFinite(lo) ? [lo, hi === lo ? lo + 1 : hi] : [0, 1];
}
