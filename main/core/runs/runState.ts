// What the sidebar says a run is doing, by stated rules (README, "Run status"):
//   error     the watcher failed, or probing jobs failed;
//   paused    the researcher paused it;
//   finished  the trainer reached max_steps, or nothing watches it any more and nothing is settling;
//   stalled   watched, but no new checkpoint for three times its recent median interval between checkpoints;
//   live      watched, and a checkpoint is settling, probing runs, or the next checkpoint is not yet overdue;
//   idle      watched, nothing in progress, the next checkpoint overdue but not yet three intervals late (or too
//             few checkpoints to know the rhythm).
import type { RunStatus } from "../../../shared/domain.js";
import { stalled } from "../alerts/conditions.js";

export type RunState = "live" | "idle" | "finished" | "stalled" | "error" | "paused";

export interface RunActivity {
  status: RunStatus;
  statusMessage: string | null;
  /** A watch loop of this process watches the run. */
  watched: boolean;
  /** Checkpoints seen but not yet complete. */
  settling: number;
  /** When recent checkpoints completed (ms since the epoch), any order. */
  completedAtMs: number[];
  probing: { running: boolean; failed: number };
  nowMs: number;
}

const span = (ms: number) => (ms >= 7_200_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

export function runState(a: RunActivity): { state: RunState; reason: string } {
  if (a.status === "error") return { state: "error", reason: a.statusMessage ?? "the watcher failed" };
  if (a.probing.failed > 0) return { state: "error", reason: `${a.probing.failed} probe job${a.probing.failed === 1 ? "" : "s"} failed (the Queue says why)` };
  if (a.status === "paused") return { state: "paused", reason: "paused" };
  if (a.status === "finished") return { state: "finished", reason: a.statusMessage ?? "finished" };
  const busy = a.probing.running ? "probing" : a.settling > 0 ? `${a.settling} checkpoint${a.settling === 1 ? "" : "s"} settling` : null;
  if (!a.watched) return a.settling === 0 ? { state: "finished", reason: "not watched, and nothing settling" } : { state: "idle", reason: `not watched; ${a.settling} checkpoint${a.settling === 1 ? " was" : "s were"} still settling` };
  const quiet = stalled(a.completedAtMs, a.nowMs);
  if (quiet && !busy) return { state: "stalled", reason: `no new checkpoint for ${span(quiet.quietMs)} (3× the median interval is ${span(quiet.limitMs)})` };
  if (busy) return { state: "live", reason: busy };
  const due = stalled(a.completedAtMs, a.nowMs, 1);
  if (a.completedAtMs.length < 3 || due) return { state: "idle", reason: a.completedAtMs.length < 3 ? "waiting for checkpoints" : "waiting for the next checkpoint" };
  return { state: "live", reason: "training: the next checkpoint is not yet due" };
}
