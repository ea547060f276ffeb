// The drift view asks for every visible run's score series on each open and each live update; turning 100,000
// scores into columns costs SQLite a few hundred milliseconds (text formatting of every value), while checking that
// a run's scores are unchanged costs it about a millisecond. So series are kept per run and reused while the run's
// fingerprint (score count, newest score update, newest checkpoint completion) is the same; the fingerprint is read
// from the database each time, so writes by another process (a CLI `watch`) are seen too.
import type { ScoreSeries } from "../../../shared/api.js";
import type { ProbeStore } from "./probeStore.js";

interface Entry {
  fingerprint: string;
  series: ScoreSeries[];
}

/** Runs kept at most (least recently asked for go first): a run of 500 checkpoints x 20 traits is about 1 MB. */
const MAX_RUNS = 200;

export class ScoreSeriesCache {
  /** In least-recently-used order (a hit moves its entry to the end). */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly probes: ProbeStore) {}

  get(runIds: number[], withTimes: boolean): ScoreSeries[] {
    const prints = this.probes.scoreFingerprints(runIds);
    const key = (id: number) => `${id}:${withTimes ? "t" : "s"}`;
    const stale = runIds.filter((id) => this.entries.get(key(id))?.fingerprint !== prints.get(id));
    const fresh = stale.length > 0 ? this.probes.scoreSeries(stale, undefined, undefined, withTimes) : [];
    const out: ScoreSeries[] = [];
    for (const id of runIds) {
      const k = key(id);
      const entry = stale.includes(id) ? { fingerprint: prints.get(id) ?? "", series: fresh.filter((s) => s.runId === id) } : this.entries.get(k)!;
      this.entries.delete(k);
      this.entries.set(k, entry);
      out.push(...entry.series);
    }
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_RUNS) break;
      this.entries.delete(k);
    }
    return out;
  }
}
