// Turning the core's drift series into chart series: one per run, plus each group's mean (computed by the core from
// every point, before it cut series to the panel's pixels) with its bootstrap band across runs (seeds).
import type { DriftColumns, DriftGroupColumns, DriftSeries, GroupBand, RunView } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";
import { groupMeanPanel, panelBands } from "../../shared/chart/groupMeans.js";
import { axisX, type XAxis } from "../../shared/chart/timeAxis.js";
import type { SeriesColumns } from "../../shared/chart/decimate.js";

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

/** A column's value as a point's: NaN (a missing value) and an absent column read as null. */
export const nanToNull = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);

/** The series with `points` built from its columns on first use (and kept). An own, enumerable property, so a copy
 * made by spreading still has its points. */
function lazyPoints(s: Omit<PanelSeries, "points"> & { columns: Required<Pick<SeriesColumns, "xs" | "ys" | "lo" | "hi">> }): PanelSeries {
  let points: PanelSeries["points"] | null = null;
  return Object.defineProperty(s, "points", {
    enumerable: true,
    get() {
      if (!points) {
        const c = s.columns;
        points = Array.from(c.xs, (x, k) => ({ x, y: nanToNull(c.ys[k]!), lo: nanToNull(c.lo[k]!), hi: nanToNull(c.hi[k]!) }));
      }
      return points;
    },
  }) as PanelSeries;
}

export const emptyIndex = (): ScoreIndex => ({ runs: new Map(), groups: new Map(), size: 0 });

export function scoreSeries(runs: RunView[], scores: ScoreIndex, trait: string, context: string, xAxis: XAxis, bands?: readonly GroupBand[]): PanelSeries[] {
  const out: PanelSeries[] = [];
  for (const run of runs) {
    const s = scores.runs.get(scoreKey(run.id, trait, context));
    if (!s) continue;
    // Typed columns straight from the core's (NaN where a value is missing); point objects only if something asks
    // for them (an export table, the largest-change ring), never for drawing: 100 runs x 20 traits x 880 points
    // were 1.8 million objects to build and collect on every open.
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
    if (n === 0) continue;
    let columns: Required<Pick<SeriesColumns, "xs" | "ys" | "lo" | "hi">>;
    let smoothed: (number | null)[] | undefined;
    if (order) {
      columns = { xs: new Float64Array(n), ys: new Float64Array(n), lo: new Float64Array(n), hi: new Float64Array(n) };
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        columns.xs[k] = axisX(xAxis, s.completed![i]!, start);
        columns.ys[k] = s.mean[i]!;
        columns.lo[k] = s.ciLow[i]!;
        columns.hi[k] = s.ciHigh[i]!;
      }
      if (s.smoothed) smoothed = order.map((i) => nanToNull(s.smoothed![i]!));
    } else {
      // On the step axis the core's columns are drawn as they came (views of the received bytes, no copy).
      columns = { xs: s.steps, ys: s.mean, lo: s.ciLow, hi: s.ciHigh };
      if (s.smoothed) smoothed = Array.from(s.smoothed, nanToNull);
    }
    // A band needs a value: no CI where the mean is missing (as bandColumns makes it from points). The received
    // columns are copied only when some mean is missing.
    let masked = false;
    for (let k = 0; k < n; k++) {
      if (!Number.isNaN(columns.ys[k]!)) continue;
      if (!masked && !order) columns = { ...columns, lo: Float32Array.from(columns.lo), hi: Float32Array.from(columns.hi) };
      masked = true;
      columns.lo[k] = columns.hi[k] = NaN;
    }
    out.push(lazyPoints({ key: `run:${run.id}`, label: run.name, colour: run.colour, columns, smoothed }));
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
