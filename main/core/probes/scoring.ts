// The scoring service: turns a job's stored samples into its aggregate score (the item bootstrap of aggregate.ts)
// and saves it. The store only stores; this decides how a score is computed.
import type { ProbeStore } from "../store/probeStore.js";
import { aggregate, BOOTSTRAP_RESAMPLES, type Aggregate } from "./aggregate.js";

/** Resamples for interim scores: enough for a live band, cheap enough not to stall a busy probe. */
const INTERIM_RESAMPLES = 200;

export class ScoringService {
  constructor(private readonly probes: ProbeStore) {}

  /** interim: a quick bootstrap for the live view while samples arrive; the job's final score uses the full one. */
  recompute(checkpointId: number, traitId: number, contextId: number, interim = false): Aggregate {
    const a = aggregate(this.probes.scoreInputs(checkpointId, traitId, contextId), interim ? INTERIM_RESAMPLES : BOOTSTRAP_RESAMPLES);
    this.probes.saveScore(checkpointId, traitId, contextId, a);
    return a;
  }
}
