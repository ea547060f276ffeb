// A run's training metric as the drift view draws it, made in the core like the trait series (driftSeries.ts): read
// as typed columns, smoothed over every point when asked, then cut per pixel column to the panel's width and zoom
// (each column's lowest and highest value kept, so every spike survives). A million-step reward log crosses to the
// page as a few thousand points instead of a million JSON rows (75 MB, 2.5 s to send and parse).
//
// Cut along steps on every axis: on a wall-time axis the page places each kept point at its time, which grows with
// the step, so each column's extremes are still there; a zoom (range) is asked for on the step axis only.
import type { MetricColumns } from "../../../shared/views.js";
import { reducedIndexes, type Reduction } from "../../../shared/chart/reduceSeries.js";
import { debiasedEma } from "../../../shared/chart/smoothing.js";
import { pick, stepColumn } from "./driftSeries.js";

export interface MetricRequest {
  times?: boolean;
  columns?: number;
  range?: readonly [number, number];
  smoothing?: number;
}

export function metricSeries(runId: number, key: string, full: { steps: Float64Array; values: Float64Array; wallTimes: Float64Array }, req: MetricRequest): MetricColumns {
  const smoothed = req.smoothing ? Float64Array.from(debiasedEma(full.values, req.smoothing), (v) => v ?? NaN) : undefined;
  const r: Reduction | null = req.columns !== undefined ? { columns: req.columns, range: req.range ?? null } : null;
  const { kept, of } = r ? reducedIndexes(full.steps, full.values, r) : { kept: null };
  return {
    runId,
    key,
    steps: stepColumn(pick(full.steps, kept)),
    values: pick(full.values, kept),
    ...(req.times ? { wallTimes: pick(full.wallTimes, kept) } : {}),
    ...(smoothed ? { smoothed: pick(smoothed, kept) } : {}),
    ...(of !== undefined ? { of } : {}),
  };
}
