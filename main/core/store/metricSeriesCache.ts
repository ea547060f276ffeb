// The drift view asks for each visible run's metrics on every open, live update and pan that comes to rest; reading a
// million-step log back from SQLite takes about 0.75 s, so each run's metric columns are kept and reused while they
// cannot have changed: no write of this process touched the run's metrics (its store says so on the event bus, and
// the core calls `forget`), and no other connection has committed to the workspace since they were read (SQLite's
// data_version, read each time: a CLI `watch` beside the app is seen).
import type { MetricStore } from "./metricStore.js";

type Columns = ReturnType<MetricStore["metricColumns"]>;

interface Entry {
  runId: number;
  dataVersion: number;
  columns: Columns;
}

/** Points kept at most (least recently asked-for series go first): 24 bytes each, so about 100 MB. */
const MAX_POINTS = 4_000_000;

export class MetricSeriesCache {
  /** In least-recently-used order (a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();
  private points = 0;

  constructor(private readonly metrics: MetricStore) {}

  /** A run's metric as columns in step order (MetricStore.metricColumns), read again only when it may have changed. */
  get(runId: number, key: string): Columns {
    const k = `${runId}\u0000${key}`;
    const dataVersion = this.metrics.dataVersion();
    let entry = this.entries.get(k);
    this.drop(k);
    if (!entry || entry.dataVersion !== dataVersion) entry = { runId, dataVersion, columns: this.metrics.metricColumns(runId, key) };
    this.entries.set(k, entry);
    this.points += entry.columns.steps.length;
    // The oldest go first; the one just asked for stays.
    for (const old of this.entries.keys()) {
      if (this.points <= MAX_POINTS || old === k) break;
      this.drop(old);
    }
    return entry.columns;
  }

  /** Forgets a run's metrics: this process wrote some. */
  forget(runId: number): void {
    for (const [k, e] of this.entries) if (e.runId === runId) this.drop(k);
  }

  private drop(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.points -= e.columns.steps.length;
    this.entries.delete(key);
  }
}
