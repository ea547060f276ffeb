// The traits a set of runs was probed for, across the suites in their probing settings: what the drift view lists
// and what an export describes. Runs of one experiment share suites, so each suite version is read once.
import type { ProbeStore, SavedSuite } from "../store/probeStore.js";
import type { Store } from "../store/store.js";
import type { Trait } from "./suiteSchema.js";

export interface RunTrait {
  /** The trait as the last suite naming it describes it (runs in the given order, suites in their settings' order). */
  trait: Trait;
  suite: SavedSuite;
  /** Every context any of those suites probes the trait in. */
  contexts: string[];
}

export function runTraits(store: Store, runIds: number[]): RunTrait[] {
  const probes: ProbeStore = store.probes;
  const suites = new Map<string, SavedSuite | undefined>();
  const out = new Map<string, RunTrait>();
  for (const runId of runIds) {
    const cfg = store.runs.getProbeSettings(runId) ?? { suites: [] };
    for (const s of cfg.suites ?? []) {
      const ref = `${s.key}@${s.version}`;
      if (!suites.has(ref)) suites.set(ref, probes.findSuite(s.key, s.version));
      const suite = suites.get(ref);
      if (!suite) continue;
      for (const t of suite.suite.traits) {
        const prev = out.get(t.id);
        out.set(t.id, { trait: t, suite, contexts: [...new Set([...(prev?.contexts ?? []), ...t.contexts.map((c) => c.id)])] });
      }
    }
  }
  return [...out.values()];
}
