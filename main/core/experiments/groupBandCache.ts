// The drift view asks for its group bands on every open and live update; a band is a bootstrap per step, so over
// long runs it costs seconds where the runs' scores have not changed at all. Bands are kept per request (runs,
// trait, context) and reused while every run's score fingerprint (see ScoreSeriesCache) is unchanged, read from the
// database each time, so writes by another process are seen too. They are computed in slices (the server answers
// other calls meanwhile), and a second request for bands being computed waits for the same computation.
import type { GroupBand } from "../../../shared/views.js";
import type { Store } from "../store/store.js";
import { computeGroupBandsInSlices, type GroupBandOptions } from "./groupBands.js";

const MAX_ENTRIES = 50;

export class GroupBandCache {
  /** In least-recently-used order. */
  private readonly entries = new Map<string, { fingerprint: string; bands: Promise<GroupBand[]> }>();

  constructor(private readonly store: Store) {}

  get(runIds: number[], options: GroupBandOptions): Promise<GroupBand[]> {
    const ids = [...new Set(runIds)].sort((a, b) => a - b);
    const key = JSON.stringify([ids, options.trait ?? null, options.context ?? null, options.steps ?? null]);
    const prints = this.store.probes.scoreFingerprints(ids);
    const fingerprint = ids.map((id) => prints.get(id) ?? "").join("|");
    const hit = this.entries.get(key);
    const entry = hit && hit.fingerprint === fingerprint ? hit : { fingerprint, bands: computeGroupBandsInSlices(this.store, runIds, options) };
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A failed computation is not kept: the next request tries again.
    entry.bands.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(k);
    }
    return entry.bands;
  }
}
