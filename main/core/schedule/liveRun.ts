// Watching a run and probing what it writes, together: the scanner polls; whenever a poll finishes, the probe queue
// is woken (one probe at a time per run), so the newest checkpoint is probed first while the run is live.
import type { ProbeOutcome, ProbeServices } from "./prober.js";
import { ProbeQueue } from "./queue.js";
import { planFor } from "../probes/probeConfig.js";
import type { PollResult } from "../runs/poller.js";
import { DEFAULT_QUIET_PERIOD_MS, watchRun, type WatchOptions } from "../runs/watcher.js";
import type { Store } from "../store/store.js";
import { RolloutWorker, type RolloutPassResult } from "../rollouts/rolloutWorker.js";

export interface LiveRunOptions extends WatchOptions {
  signal: AbortSignal;
  onProbed?: (step: number, outcome: ProbeOutcome) => void;
  /** After each pass over the run's rollout files (reading what is new, scoring it). */
  onRollouts?: (result: RolloutPassResult) => void;
}

export async function watchAndProbe(store: Store, services: ProbeServices, runId: number, options: LiveRunOptions): Promise<PollResult> {
  const settings = store.runs.getProbeSettings(runId);
  const probing = settings ? planFor(store.probes, settings, undefined, store.runs.getRun(runId)) : null;
  const queue = probing ? new ProbeQueue(store.runs, services, runId, probing.plan, probing.policy, { signal: options.signal }) : null;
  let draining: Promise<void> | null = null;
  const kick = () => {
    if (queue && !draining && !options.signal.aborted)
      draining = queue.drain(options.signal, options.onProbed).finally(() => {
        draining = null;
        kickRollouts();
      });
  };
  // The run's rollouts beside its checkpoints: read and scored one pass at a time.
  const rollouts = new RolloutWorker(store, services.lease, runId, { quietPeriodMs: options.quietPeriodMs ?? DEFAULT_QUIET_PERIOD_MS, now: options.now });
  let rolling: Promise<void> | null = null;
  const rollPass = () => rollouts.pass(options.signal).then(options.onRollouts, (err: Error) => options.onProblem?.(store.runs.getRun(runId)?.path ?? "", `rollouts: ${err.message}`));
  // Checkpoint probes go first (the live view and experiments wait on them); rollouts are scored between probes.
  const kickRollouts = () => {
    if (!rolling && !draining && !options.signal.aborted) rolling = rollPass().finally(() => (rolling = null));
  };
  let idlePolls = 0;
  try {
    const result = await watchRun(store, runId, {
      ...options,
      onPoll: (r) => {
        options.onPoll?.(r);
        kick();
        // Rollout files live in folders the run folder's own listing does not show changing; on polls that found
        // the run unchanged they are looked at every fifth poll, so an idle run costs little (they are read only
        // after a quiet period anyway).
        if (!r.unchanged || ++idlePolls % 5 === 0) kickRollouts();
      },
    });
    while (draining) await draining;
    while (rolling) await rolling;
    // --once: one more pass over the rollouts, so everything written by now is read and scored.
    if (options.once && !options.signal.aborted) await rollPass();
    // --once: finish what the policy selects before returning.
    if (options.once && queue && !options.signal.aborted) await queue.drain(options.signal, options.onProbed);
    return result;
  } finally {
    await probing?.close();
    await rollouts.close();
  }
}
