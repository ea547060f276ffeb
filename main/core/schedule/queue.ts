// Which checkpoint to probe next: newest first while a run is live (the live view stays current), then the older
// ones are back-filled. Policies: every checkpoint, every k-th, or only the latest. A checkpoint another process
// holds (its jobs leased) is skipped for a while and looked at again later, in case that process died.
import { COMPLETE_STATES } from "../../../shared/domain.js";
import type { CheckpointRecord, RunStore } from "../store/runStore.js";
import { Prober, type ProbeOutcome, type ProbePlan, type ProberOptions, type ProbeServices } from "./prober.js";

export interface QueuePolicy {
  /** Probe every k-th checkpoint (by step order); 1 = every checkpoint. */
  every: number;
  latestOnly?: boolean;
  /** A failed checkpoint is tried again this many times in one session. */
  maxRetries?: number;
}

/** States a policy may pick: complete and not yet probed, failed (to retry), or probing by a process that may be gone. */
const SELECTABLE = new Set(["pending", "failed", "probing"]);

/** The checkpoints a policy selects, newest first, that still need probing. */
export function selectCheckpoints(all: CheckpointRecord[], policy: QueuePolicy): CheckpointRecord[] {
  const ordered = [...all].sort((a, b) => a.step - b.step || a.path.localeCompare(b.path));
  // Where a step has both a full and an "other" folder (OpenRLHF's DeepSpeed and HF copies), only the probeable one.
  const probeable = ordered.filter((c) => c.kind !== "other" || ordered.every((o) => o.step !== c.step || o === c));
  let chosen = probeable.filter((_, i) => (i + 1) % Math.max(1, policy.every) === 0 || policy.every <= 1);
  if (policy.latestOnly) {
    const latest = probeable.filter((c) => COMPLETE_STATES.includes(c.state)).pop();
    chosen = latest ? [latest] : [];
  }
  return chosen.filter((c) => SELECTABLE.has(c.state)).reverse();
}

export class ProbeQueue {
  private readonly prober: Prober;
  private readonly failures = new Map<number, number>();
  /** Checkpoints found held by another process, and when to look at them again. */
  private readonly busyUntil = new Map<number, number>();

  constructor(
    private readonly runs: RunStore,
    private readonly services: ProbeServices,
    private readonly runId: number,
    plan: ProbePlan,
    private readonly policy: QueuePolicy,
    options: ProberOptions = {},
  ) {
    this.prober = new Prober(services, plan, options);
  }

  /** The next checkpoint to probe, or null when the queue is empty. */
  next(now = Date.now()): CheckpointRecord | null {
    const candidates = selectCheckpoints(this.runs.listCheckpoints(this.runId), this.policy).filter(
      (c) => (this.busyUntil.get(c.id) ?? 0) <= now && (c.state !== "failed" || (this.failures.get(c.id) ?? 0) < (this.policy.maxRetries ?? 1)),
    );
    return candidates[0] ?? null;
  }

  async probeNext(): Promise<{ step: number; outcome: ProbeOutcome } | null> {
    const c = this.next();
    if (!c) return null;
    const run = this.runs.getRun(this.runId)!;
    const outcome = await this.prober.probeCheckpoint(c, run.name);
    if (outcome === "failed") this.failures.set(c.id, (this.failures.get(c.id) ?? 0) + 1);
    if (outcome === "busy") this.busyUntil.set(c.id, Date.now() + this.services.lease.ttlMs);
    return { step: c.step, outcome };
  }

  /** Probes until nothing selected is left (or the signal aborts). Checkpoints others hold are not waited for. */
  async drain(signal?: AbortSignal, onDone?: (step: number, outcome: ProbeOutcome) => void): Promise<void> {
    while (!signal?.aborted) {
      const r = await this.probeNext();
      if (!r) return;
      if (r.outcome !== "busy") onDone?.(r.step, r.outcome);
      if (r.outcome === "cancelled") return;
    }
  }
}
