// Turning the core's drift series into chart series: one per run, plus each group's mean (computed by the core from
// every point, before it cut series to the panel's pixels) with its bootstrap band across runs (seeds).
import type { DriftColumns, DriftGroupColumns, DriftSeries, GroupBand, RunView } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";
import { groupMeanPanel, panelBands } from "../../shared/chart/groupMeans.js";
import { axisX, type XAxis } from "../../shared/chart/timeAxis.js";
import { primeColumns } from "../../shared/chart/decimate.js";

export type { XAxis } from "../../shared/chart/timeAxis.js";

/** Series by run (or group), trait and context. */
export interface ScoreIndex {
  runs: Map<string, DriftColumns>;
  groups: Map<string, DriftGroupColumns[]>;
  size: number;
}
export const scoreKey = (runId: number, trait: string, context: string) => `${runId}\u0000${trait}\u0000${context}`;
const panelKey = (trait: string, context: string) => `${trait}\u0000${context}`;

export function indexScores(d: DriftSeries): ScoreIndex {
  const groups = new Map<string, DriftGroupColumns[]>();
  for (const g of d.groups) {
    const k = panelKey(g.trait, g.context);
    const list = groups.get(k);
    if (list) list.push(g);
    else groups.set(k, [g]);
  }
  return { runs: new Map(d.runs.map((s) => [scoreKey(s.runId, s.trait, s.context), s])), groups, size: d.runs.length };
}

export const emptyIndex = (): ScoreIndex => ({ runs: new Map(), groups: new Map(), size: 0 });

export function scoreSeries(runs: RunView[], scores: ScoreIndex, trait: string, context: string, xAxis: XAxis, bands?: readonly GroupBand[]): PanelSeries[] {
  const out: PanelSeries[] = [];
  for (const run of runs) {
    const s = scores.runs.get(scoreKey(run.id, trait, context));
    if (!s) continue;
    // One plain loop: this builds every point of every drawn series (200,000 for 10 runs x 1,000 steps x 20 traits),
    // and with them the typed columns the canvas draws from, so it never walks the points again to build them.
    // The core's columns hold NaN for a missing value.
    const value = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
    let order: number[] | null = null;
    let start = Infinity;
    if (xAxis !== "step") {
      order = [];
      for (let i = 0; i < s.steps.length; i++) {
        const x = s.completed?.[i] ?? NaN;
        if (Number.isFinite(x)) order.push(i);
        if (x < start) start = x;
      }
      // On a time axis, points go in completion order (hours since the run's first checkpoint on the elapsed axis).
      order.sort((a, b) => s.completed![a]! - s.completed![b]!);
    }
    const n = order ? order.length : s.steps.length;
    const pts: PanelSeries["points"] = new Array(n);
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    const los = new Float64Array(n);
    const his = new Float64Array(n);
    const smoothed: (number | null)[] | undefined = s.smoothed ? new Array(n) : undefined;
    for (let k = 0; k < n; k++) {
      const i = order ? order[k]! : k;
      const x = order ? axisX(xAxis, s.completed![i]!, start) : s.steps[i]!;
      const y = value(s.mean[i]);
      const lo = value(s.ciLow[i]);
      const hi = value(s.ciHigh[i]);
      pts[k] = { x, y, lo, hi };
      xs[k] = x;
      ys[k] = y === null ? NaN : y;
      los[k] = lo === null || y === null ? NaN : lo;
      his[k] = hi === null || y === null ? NaN : hi;
      if (smoothed) smoothed[k] = value(s.smoothed![i]);
    }
    primeColumns(pts, xs, ys, los, his);
    if (pts.length === 0) continue;
    out.push({ key: `run:${run.id}`, label: run.name, colour: run.colour, points: pts, smoothed });
  }
  if (xAxis === "step") {
    const shown = new Set(runs.map((r) => r.group));
    const perGroup = panelBands(bands, trait, context);
    for (const g of scores.groups.get(panelKey(trait, context)) ?? []) {
      if (!shown.has(g.group)) continue;
      out.push(groupMeanPanel(g.group, g.runs, Array.from(g.steps), Array.from(g.mean, (v) => (Number.isNaN(v) ? null : v)), perGroup.get(g.group), runs.find((r) => r.group === g.group)?.groupColour ?? undefined));
    }
  }
  return out;
}
