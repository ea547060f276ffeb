// What the core pushes when it writes: each event names what changed so a view refreshes only that.
import type { CheckpointState } from "./domain.js";
import type { FiredAlert } from "./views.js";

export interface JobProgress {
  jobId: number;
  runId: number;
  step: number;
  trait: string;
  context: string;
  state: "queued" | "running" | "paused" | "done" | "failed" | "cancelled";
  done: number;
  total: number;
  /** Samples per second over the job so far. */
  rate: number | null;
  /** Seconds to finish at that rate. */
  etaSeconds: number | null;
  lastError: string | null;
}

export type CoreEvent =
  | { type: "run-changed"; runId: number }
  | { type: "run-removed"; runId: number }
  /** `reason`: for an incomplete checkpoint, the rule it waits on (sent again only when that changes). */
  | { type: "checkpoint-changed"; runId: number; step: number; state: CheckpointState; reason?: string }
  | { type: "metrics-added"; runId: number; keys: string[]; fromStep: number; toStep: number }
  | { type: "problem"; runId: number; path: string; message: string }
  | { type: "job-progress"; job: JobProgress }
  | { type: "scores-updated"; runId: number; step: number; trait: string; context: string }
  | { type: "rollouts-updated"; runId: number; step: number; trait: string }
  | { type: "annotation-changed"; runId: number; annotationId: number }
  | { type: "alert-fired"; alert: FiredAlert }
  | { type: "alerts-changed" }
  | { type: "experiments-changed" };

export type CoreEventListener = (event: CoreEvent) => void;
