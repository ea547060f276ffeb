// The drift view asks for its group bands on every open and live update; a band is a bootstrap per step, so over
// long runs it costs seconds where the runs' scores have not changed at all. Bands are kept per request (runs,
// trait, context) and reused while every run's score fingerprint (see ScoreSeriesCache) is unchanged, read from the
// database each time, so writes by another process are seen too.
import type { GroupBand } from "../../../shared/views.js";
import type { Store } from "../store/store.js";
import { computeGroupBands, type GroupBandOptions } from "./groupBands.js";

const MAX_ENTRIES = 50;

export class GroupBandCache {
  /** In least-recently-used order. */
  private readonly entries = new Map<string, { fingerprint: string; bands: GroupBand[] }>();

  constructor(private readonly store: Store) {}

  get(runIds: number[], options: GroupBandOptions): GroupBand[] {
    const ids = [...new Set(runIds)].sort((a, b) => a - b);
    const key = JSON.stringify([ids, options.trait ?? null, options.context ?? null, options.steps ?? null]);
    const prints = this.store.probes.scoreFingerprints(ids);
    const fingerprint = ids.map((id) => prints.get(id) ?? "").join("|");
    const hit = this.entries.get(key);
    const entry = hit && hit.fingerprint === fingerprint ? hit : { fingerprint, bands: computeGroupBands(this.store, runIds, options) };
    this.entries.delete(key);
    this.entries.set(key, entry);
    for (const k of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(k);
    }
    return entry.bands;
  }
}
