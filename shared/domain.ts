// Domain types shared by the core and the renderer. Plain data only: these cross every transport.

/** Run-folder layouts the scanners recognise. `pattern` carries a user regular expression with a named `step` group. */
export const RUN_FORMATS = ["hf", "peft", "verl", "openrlhf", "pattern"] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

export type RunStatus = "watching" | "paused" | "finished" | "error";

/** incomplete: still being written or not yet quiet; pending: complete, not yet probed; gone: deleted from disk, results kept. */
export const CHECKPOINT_STATES = ["incomplete", "pending", "probing", "done", "failed", "gone"] as const;
export type CheckpointState = (typeof CHECKPOINT_STATES)[number];

/** States in which a checkpoint's files were verified complete at some point. */
export const COMPLETE_STATES: readonly CheckpointState[] = ["pending", "probing", "done", "failed"];

export type CheckpointKind = "full" | "lora" | "other";

export interface RunSummary {
  id: number;
  name: string;
  path: string;
  format: RunFormat | null;
  group: string | null;
  seed: number | null;
  tags: string[];
  color: string | null;
  status: RunStatus;
  statusMessage: string | null;
  checkpoints: number;
  latestStep: number | null;
  /** Named strings the run's eval contexts may use as {var.NAME} (e.g. its inoculation prompt). */
  variables: Record<string, string>;
}

export interface CheckpointInfo {
  id: number;
  runId: number;
  step: number;
  path: string;
  kind: CheckpointKind;
  state: CheckpointState;
  detectedAt: string;
  completedAt: string | null;
  probedAt: string | null;
}

export interface MetricPoint {
  key: string;
  step: number;
  /** null where the trainer logged null (e.g. every value of a logging window was NaN). */
  value: number | null;
  /** ISO time, where the source records one (TensorBoard does, trainer_state.json does not). */
  wallTime: string | null;
}

/** A problem seen while reading a run: names the path so a researcher can find the file. */
export interface RunProblem {
  runId: number;
  path: string;
  message: string;
  firstSeen: string;
  lastSeen: string;
}
