// The drift view asks for each visible run's metrics on every open, live update and pan that comes to rest; reading a
// million-step log back from SQLite takes about 0.75 s, so each run's metric columns are kept and reused while they
// cannot have changed: no other connection has committed to the workspace since they were read (SQLite's
// data_version, read each time: a CLI `watch` beside the app is seen, and the columns are read again whole), and
// what this process wrote to the run's metrics (its store says so on the event bus, and the core calls `written`)
// is read again from the first step written, not from the start: a live run logs at its end.
import type { MetricStore } from "./metricStore.js";
import { PointBudget } from "./pointBudget.js";

type Columns = ReturnType<MetricStore["metricColumns"]>;

interface Entry {
  runId: number;
  key: string;
  dataVersion: number;
  columns: Columns;
  /** This process wrote steps from here on since the columns were read (Infinity: nothing). */
  staleFrom: number;
}

/** Points kept at most (least recently asked-for series go first): 24 bytes each, so about 100 MB. */
const MAX_POINTS = 4_000_000;

export class MetricSeriesCache {
  private readonly entries = new PointBudget<Entry>(MAX_POINTS);

  constructor(private readonly metrics: MetricStore) {}

  /** A run's metric as columns in step order (MetricStore.metricColumns), read again only where it may have changed. */
  get(runId: number, key: string): Columns {
    const k = `${runId}\u0000${key}`;
    const dataVersion = this.metrics.dataVersion();
    let entry = this.entries.get(k);
    if (!entry || entry.dataVersion !== dataVersion) entry = { runId, key, dataVersion, columns: this.metrics.metricColumns(runId, key), staleFrom: Infinity };
    else if (entry.staleFrom !== Infinity) entry = { ...entry, columns: withTail(entry.columns, this.metrics.metricColumns(runId, key, entry.staleFrom), entry.staleFrom), staleFrom: Infinity };
    this.entries.put(k, entry, entry.columns.steps.length);
    // The oldest go first; the one just asked for stays.
    this.entries.trim(1);
    return entry.columns;
  }

  /** This process wrote these metrics of a run, at fromStep and after (a store's "metrics-added"). */
  written(runId: number, keys: readonly string[], fromStep: number): void {
    for (const e of this.entries.values()) if (e.runId === runId && keys.includes(e.key)) e.staleFrom = Math.min(e.staleFrom, fromStep);
  }
}

/** The columns' points before `from`, then `tail` (the points from `from` on, read again). */
function withTail(head: Columns, tail: Columns, from: number): Columns {
  // The first point at or after `from` (steps are in order).
  let lo = 0;
  let hi = head.steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (head.steps[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  const join = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(lo + b.length);
    out.set(a.subarray(0, lo));
    out.set(b, lo);
    return out;
  };
  return { steps: join(head.steps, tail.steps), values: join(head.values, tail.values), wallTimes: join(head.wallTimes, tail.wallTimes) };
}
