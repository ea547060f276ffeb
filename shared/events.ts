// What the core pushes when it writes: each event names what changed so a view refreshes only that.
import type { CheckpointState } from "./domain.js";

export type CoreEvent =
  | { type: "run-changed"; runId: number }
  | { type: "run-removed"; runId: number }
  | { type: "checkpoint-changed"; runId: number; step: number; state: CheckpointState }
  | { type: "metrics-added"; runId: number; keys: string[]; fromStep: number; toStep: number }
  | { type: "problem"; runId: number; path: string; message: string };

export type CoreEventListener = (event: CoreEvent) => void;
