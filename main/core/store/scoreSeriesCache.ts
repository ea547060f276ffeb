// The drift view asks for every visible run's score series on each open and each live update; reading 100,000 scores
// costs SQLite tens of milliseconds even packed (more where a pack must be brought up to date), while checking that
// a run's scores are unchanged costs it about a millisecond. So series are kept per run and reused while the run's
// fingerprint (a counter the schema's triggers bump on every score or checkpoint-completion change) is the same; the
// fingerprint is read from the database each time, so writes by another process (a CLI `watch`) are seen too.
import type { ProbeStore, RunColumns } from "./probeStore.js";
import { PointBudget } from "./pointBudget.js";

interface Entry {
  fingerprint: string;
  series: RunColumns[];
  points: number;
}

/** Points kept at most (least recently asked-for runs go first): 20 bytes each as columns (28 with times), so about
 * 80 MB, enough for 100 runs x 1,000 checkpoints x 20 traits of one context twice over. */
const MAX_POINTS = 4_000_000;

export class ScoreSeriesCache {
  private readonly entries = new PointBudget<Entry>(MAX_POINTS);

  constructor(private readonly probes: ProbeStore) {}

  /** Whether the cache holds as many points as it keeps (a further run would push an earlier one out). */
  get full(): boolean {
    return this.entries.full;
  }

  /** The runs' series of the named traits and contexts (all when none are named). */
  get(runIds: number[], withTimes: boolean, filter: { traits?: readonly string[]; contexts?: readonly string[] } = {}): RunColumns[] {
    const prints = this.probes.scoreFingerprints(runIds);
    const what = `${withTimes ? "t" : "s"}|${filter.traits?.join("\u0001") ?? "*"}|${filter.contexts?.join("\u0001") ?? "*"}`;
    const key = (id: number) => `${id}:${what}`;
    const stale = runIds.filter((id) => this.entries.get(key(id))?.fingerprint !== prints.get(id));
    const fresh = stale.length > 0 ? this.probes.seriesColumns(stale, filter.traits, filter.contexts, withTimes) : [];
    const out: RunColumns[] = [];
    for (const id of runIds) {
      const k = key(id);
      let entry = this.entries.get(k);
      if (stale.includes(id)) {
        const series = fresh.filter((s) => s.runId === id);
        entry = { fingerprint: prints.get(id) ?? "", series, points: series.reduce((n, s) => n + s.steps.length, 0) };
      }
      this.entries.put(k, entry!, entry!.points);
      out.push(...entry!.series);
    }
    // The oldest go first; what this call returns stays (the newest entries are its runs).
    this.entries.trim(runIds.length);
    return out;
  }
}
