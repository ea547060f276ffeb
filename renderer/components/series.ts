// Turning scores and metrics into chart series: one per run, plus a group mean with a band across runs (seeds).
import type { GroupBand, RunView, ScoreSeries } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";
import { debiasedEma } from "../../shared/chart/smoothing.js";
import { groupMeans, panelBands } from "../../shared/chart/groupMeans.js";
import { runColour } from "../../shared/chart/palette.js";

export type XAxis = "step" | "time";

/** Index of score series by run, trait and context. */
export type ScoreIndex = Map<string, ScoreSeries>;
export const scoreKey = (runId: number, trait: string, context: string) => `${runId}\u0000${trait}\u0000${context}`;

export function indexScores(list: ScoreSeries[]): ScoreIndex {
  return new Map(list.map((s) => [scoreKey(s.runId, s.trait, s.context), s]));
}

export function scoreSeries(runs: RunView[], scores: ScoreIndex, trait: string, context: string, xAxis: XAxis, smoothing: number, bands?: readonly GroupBand[]): PanelSeries[] {
  const out: PanelSeries[] = [];
  for (const run of runs) {
    const s = scores.get(scoreKey(run.id, trait, context));
    if (!s) continue;
    // One plain loop: this builds every point of every drawn series (100,000 for 10 runs x 500 steps x 20 traits).
    const pts: PanelSeries["points"] = [];
    const scale = s.scale ?? 1;
    const value = (v: number | null | undefined) => (v === null || v === undefined ? null : v / scale);
    for (let i = 0; i < s.steps.length; i++) {
      const x = xAxis === "step" ? s.steps[i]! : (s.completed?.[i] ?? NaN);
      if (Number.isFinite(x)) pts.push({ x, y: value(s.mean[i]), lo: value(s.ciLow[i]), hi: value(s.ciHigh[i]) });
    }
    if (xAxis !== "step") pts.sort((a, b) => a.x - b.x);
    if (pts.length === 0) continue;
    out.push({ key: `run:${run.id}`, label: run.name, colour: runColour(run), points: pts, smoothed: smoothing > 0 ? debiasedEma(pts.map((p) => p.y), smoothing) : undefined });
  }
  if (xAxis === "step") out.push(...groupMeans(runs, out, panelBands(bands, trait, context)));
  return out;
}
