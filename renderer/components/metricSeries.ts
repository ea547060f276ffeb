// A run's training metric as a chart series, from the columns the core cut to the panel (getMetricSeries): placed on
// the view's x axis (a step; or the time the value was logged, else its step's time on the run's checkpoint clock),
// on a log scale when asked (log10 of the value; zero and negative values have no place there).
import type { MetricColumns, RunView } from "../../shared/api.js";
import type { PanelSeries } from "../../shared/chart/DriftPanel.js";
import { axisX, clockStart, timeOfStep, type RunClock, type XAxis } from "../../shared/chart/timeAxis.js";
import { nanToNull } from "./series.js";

export function metricPanelSeries(run: Pick<RunView, "id" | "name" | "colour">, c: MetricColumns | undefined, xAxis: XAxis, clock: RunClock | undefined, log: boolean): PanelSeries {
  const start = clock ? clockStart(clock) : NaN;
  const scale = (v: number | null) => (!log || v === null ? v : v > 0 ? Math.log10(v) : null);
  const rows: { x: number; y: number | null; smooth: number | null }[] = [];
  const n = c?.steps.length ?? 0;
  for (let i = 0; i < n; i++) {
    const step = c!.steps[i]!;
    const wall = c!.wallTimes?.[i];
    const x = xAxis === "step" ? step : axisX(xAxis, wall !== undefined && Number.isFinite(wall) ? wall : clock ? timeOfStep(clock, step) : NaN, start);
    if (Number.isFinite(x)) rows.push({ x, y: scale(nanToNull(c!.values[i])), smooth: scale(nanToNull(c!.smoothed?.[i])) });
  }
  // Steps come in order; times nearly always do, but a clock set back or a log's own timestamps may not.
  rows.sort((a, b) => a.x - b.x);
  return {
    key: `run:${run.id}`,
    label: run.name,
    colour: run.colour,
    points: rows.map(({ x, y }) => ({ x, y })),
    // The core smoothed the values themselves over every point; on a log scale their smoothed curve is drawn in log.
    smoothed: c?.smoothed ? rows.map((r) => r.smooth) : undefined,
  };
}
