// What the core answers with: the data types of the contract's results, kept apart from the contract itself so that
// the chart code can use them without importing the API (and the API can use the chart's types without a cycle).
import type { RunSummary } from "./domain.js";

export interface Annotation {
  id: number;
  runId: number;
  step: number;
  to: number | null;
  text: string;
  tags: string[];
  color: string | null;
  createdAt: string;
  editedAt: string;
}

export interface ScorePoint {
  step: number;
  trait: string;
  context: string;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  nulls: number;
  /** When the checkpoint finished writing (for a wall-time axis). */
  completedAt: string | null;
}

/** A run's scores for one (trait, context), as columns: compact on the wire, direct to draw. */
export interface ScoreSeries {
  runId: number;
  trait: string;
  context: string;
  steps: number[];
  mean: (number | null)[];
  ciLow: (number | null)[];
  ciHigh: (number | null)[];
  /** Seconds since the epoch when each checkpoint finished writing (for a wall-time axis; only when asked for). */
  completed?: (number | null)[];
  /** Samples behind each mean (exports ask for it). */
  n?: number[];
  /** When set, mean and CI are integers in units of 1/scale (a compact wire form for charts); divide to use. */
  scale?: number;
  /** The debiased moving average of mean over every point (asked-for smoothing), in the same units. */
  smoothed?: (number | null)[];
  /** Set when the core reduced the series per pixel column: how many points the range held. */
  of?: number;
}

/** The mean across the runs of one group (seeds of one condition) at each step two or more of them share. */
export interface GroupSeries {
  group: string;
  trait: string;
  context: string;
  /** The group's runs in the request. */
  runs: number;
  steps: number[];
  mean: number[];
  /** As ScoreSeries.scale. */
  scale?: number;
  of?: number;
}

/** A run's series as the drift view receives it: typed columns in the values' own units, NaN where a value (or a
 * completion time) is missing. Float32 values keep about 7 significant digits, more than a chart shows; steps and
 * times keep full precision. Typed arrays cross Electron's IPC as they are and HTTP as bytes (typedEnvelope.ts). */
export interface DriftColumns {
  runId: number;
  trait: string;
  context: string;
  /** Int32 when every step is an integer that fits (almost always: half the bytes), else Float64. */
  steps: Int32Array | Float64Array;
  mean: Float32Array;
  ciLow: Float32Array;
  ciHigh: Float32Array;
  /** Seconds since the epoch when each checkpoint finished writing (only when asked for). */
  completed?: Float64Array;
  /** The debiased moving average of mean over every point (asked-for smoothing). */
  smoothed?: Float32Array;
  /** Set when the core reduced the series per pixel column: how many points the range held. */
  of?: number;
}

/** A run's training metric as the drift view receives it: typed columns in step order, cut per pixel column. */
export interface MetricColumns {
  runId: number;
  key: string;
  /** Int32 when every step is an integer that fits (almost always), else Float64. */
  steps: Int32Array | Float64Array;
  /** NaN where the value is missing. */
  values: Float64Array;
  /** Seconds since the epoch each value was logged, NaN where the source gave none (only when asked for). */
  wallTimes?: Float64Array;
  /** The debiased moving average of the values over every point (asked-for smoothing), at the points kept. */
  smoothed?: Float64Array;
  /** Set when the core reduced the series per pixel column: how many points the range held. */
  of?: number;
}

/** A group's mean as the drift view receives it (as DriftColumns). */
export interface DriftGroupColumns {
  group: string;
  trait: string;
  context: string;
  runs: number;
  steps: Int32Array | Float64Array;
  mean: Float32Array;
  of?: number;
}

/** What the drift view draws: each visible run's series and each group's mean, both cut to the panels' pixels. */
export interface DriftSeries {
  runs: DriftColumns[];
  groups: DriftGroupColumns[];
}

/**
 * The band of a group's mean (its seeds) for one trait and context, step by step: the 95% interval of the two-level
 * bootstrap the experiment view uses (seeds, then items), at the steps where two or more of the group's runs have
 * per-item scores.
 */
export interface GroupBand {
  group: string;
  trait: string;
  context: string;
  steps: number[];
  /** Runs (seeds) behind each step's band. */
  seeds: number[];
  ciLow: (number | null)[];
  ciHigh: (number | null)[];
}

export interface SampleView {
  trait: string;
  context: string;
  item: string;
  sample: number;
  prompt: string;
  response: string | null;
  score: number | null;
  nullReason: string | null;
  /** Every scorer's value and, for judges, the raw top logprobs. */
  detail: Record<string, unknown>;
}

export interface TraitInfo {
  trait: string;
  name: string;
  polarity: "higher_is_trait" | "lower_is_trait";
  role: string;
  unit: string;
  contexts: string[];
}

export interface RunView extends RunSummary {
  hidden: boolean;
  /** How its folder is read: "auto" (detected; `format` says what was found) or one run format. */
  formatSetting: string;
  /** Probing progress over the run's jobs: samples done of total, whether a job runs, and how many jobs failed. */
  probe: { done: number; total: number; running: boolean; failed: number };
  /** How the run is set to be probed; null when it is not. */
  probing: RunProbing | null;
  /** What it is doing, by the rules in the README ("Run status"), and why. */
  state: "live" | "idle" | "finished" | "stalled" | "error" | "paused";
  stateReason: string;
  /** The colour it is drawn in (its group's hue tinted by seed, or the one chosen for it) and its group's hue. */
  colour: string;
  groupColour: string | null;
}

export interface SuiteInfo {
  id: string;
  version: string;
  name: string;
  traits: string[];
  where: string;
}

export interface BackendTest {
  reachable: boolean;
  models: string[];
  honoursN: boolean;
  maxTopLogprobs: number;
  notes: string[];
  error: string | null;
  /** Reachable, but the test request was refused for a reason other than a parameter: the server's own answer. */
  refused: string | null;
  /** What it means, naming the fix (the same words as `driftscope doctor`). */
  verdict: string;
  warnings: string[];
}

/** One settings field of a backend kind, as the settings form shows it (derived from the kind's schema). */
export interface BackendFieldInfo {
  name: string;
  label: string;
  help: string;
  type: "string" | "integer" | "number" | "boolean" | "string-list" | "choice";
  choices?: string[];
  default?: unknown;
  min?: number;
  max?: number;
  required: boolean;
  /** The field names where a secret lives (an environment variable), never the secret itself. */
  secret: boolean;
}

export interface BackendKindInfo {
  kind: string;
  label: string;
  description: string;
  fields: BackendFieldInfo[];
}

/** What an alert rule watches for (see main/core/alerts/conditions.ts for when each fires). */
export type AlertCondition =
  | { kind: "above"; value: number; ci: boolean }
  | { kind: "below"; value: number; ci: boolean }
  | { kind: "jump"; value: number; ci: boolean }
  | { kind: "trend"; value: number; window: number }
  | { kind: "null-rate"; value: number }
  | { kind: "stalled" }
  | { kind: "probe-failures" };

/** A run (by id) or every run of a group (a condition of an experiment). */
export type AlertTarget = { kind: "run"; runId: number } | { kind: "group"; group: string };

/** The series a rule reads: a trait's score (in one context, or each context), a training metric, or run health. */
/** What a rollout alert watches: one of a trait's per-step rollout aggregates. */
export type RolloutMeasureName = "mean" | "rewardCorr" | "advantageWeighted" | "rewardShare";

export type AlertSubject =
  | { kind: "trait"; trait: string; context: string | null }
  | { kind: "metric"; key: string }
  | { kind: "rollout"; trait: string; measure: RolloutMeasureName }
  | { kind: "health" };

export interface AlertRule {
  id: number;
  target: AlertTarget;
  subject: AlertSubject;
  condition: AlertCondition;
  /** A program and its arguments, run without a shell on each firing; null for none. */
  exec: string[] | null;
  execTimeoutMs: number;
  createdAt: string;
}

export interface FiredAlert {
  id: number;
  rule: number;
  runId: number;
  run: string;
  step: number;
  trait: string | null;
  context: string | null;
  metric: string | null;
  value: number | null;
  /** One line saying what happened, for banners and notifications. */
  message: string;
  firedAt: string;
  annotationId: number | null;
  /** The action's outcome: exit code (null if killed), signal, its output (truncated), when it ran. */
  exec: { code: number | null; signal: string | null; output: string; timedOut: boolean } | null;
}

/** Conditions (groups of runs that differ only by seed) compared with a control condition. */
export interface Experiment {
  id: number;
  name: string;
  control: string;
  /** Every condition, the control first. */
  conditions: string[];
  referenceRunId: number | null;
  /** Technique tags per condition (e.g. ip, bct; both for a combination). */
  tags: Record<string, string[]>;
  createdAt: string;
}

/** An experiment's effects, as the experiment view draws them (see main/core/experiments/effects.ts). */
export interface ExperimentEffects {
  /** The experiment, its conditions followed by the reference model's row when it has one. */
  experiment: Experiment;
  /** The reference model's condition name (the base model), if any. */
  reference: string | null;
  at: string;
  traits: { trait: string; name: string; role: string; contexts: string[] }[];
  /** `at` is the point of comparison, or with "every" the step (step:N) of the row. */
  rows: { condition: string; trait: string; context: string; at: string; seeds: number; items: number; mean: number | null; ciLow: number | null; ciHigh: number | null; delta: number | null; deltaCiLow: number | null; deltaCiHigh: number | null; relative: number | null; note: string | null }[];
  /** Each run's value at the point of comparison, and the probed steps it is over. */
  runs: { runId: number; run: string; condition: string; seed: number | null; trait: string; context: string; value: number | null; delta: number | null; items: number; steps: number[] }[];
  gaps: { condition: string; trait: string; gap: string; value: number | null; ciLow: number | null; ciHigh: number | null }[];
  notes: string[];
  method: string;
}

/** A trait's statistics over one RL step's rollouts: prevalence with its interval over prompts, and how reward relates to it. */
export interface RolloutStatistics {
  n: number;
  prompts: number;
  nulls: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** Spearman's correlation of the score with reward, and its interval. */
  rewardCorr: number | null;
  corrLow: number | null;
  corrHigh: number | null;
  /** Σ Aᵢ·tᵢ / Σ|Aᵢ|: which way the update pushes the trait. */
  advantageWeighted: number | null;
  /** Share of the step's reward earned by rollouts scoring above the threshold. */
  rewardShare: number | null;
}

/** A trait over one RL step's rollouts (what the policy sampled), for a run. */
export interface RolloutPoint extends RolloutStatistics {
  runId: number;
  step: number;
  trait: string;
  /** The scorer whose values these are (the trait's score). */
  scorer: string;
  threshold: number;
  method: string;
}

/** One rollout as its trainer logged it, with every scorer's value. */
export interface RolloutSampleView {
  step: number;
  /** The prompt as the trainer logged it ("" where it logs only the whole text, as OpenRLHF does). */
  prompt: string;
  completion: string;
  /** The total reward: the trainer's own (verl's score), or the sum of its reward functions' columns (TRL). */
  reward: number | null;
  advantage: number | null;
  /** Each reward function's value where the trainer logs them separately (TRL: one column per function). */
  rewards: Record<string, number | null>;
  /** Scorer name -> value. */
  scores: Record<string, number | null>;
}

/** What removing a run did (or, asked as a dry run, would do). */
export interface RunRemoval {
  runId: number;
  name: string;
  path: string;
  /** Its stored results were deleted (else kept: adding the folder again restores the run). */
  deleted: boolean;
  removed: boolean;
  /** What the run had stored. */
  stored: { checkpoints: number; samples: number; scores: number; metrics: number; rollouts: number; annotations: number };
}

/** What probing with some suites asks per checkpoint, trait by trait (the run form's preview). */
export interface ProbePreview {
  traits: {
    suite: string;
    trait: string;
    name: string;
    role: string;
    items: number;
    samplesPerItem: number;
    contexts: { key: string; role: string; system: string | null; missing?: string[] }[];
    requests: number;
    judgeRequests: number;
    /** With items: true, the items themselves and the scorers (the Settings suite browser). */
    itemTexts?: { id: string; prompt: string; system?: string }[];
    scorers?: string[];
  }[];
  /** Completions asked of the policy server per checkpoint, and judge calls per checkpoint. */
  requests: number;
  judgeRequests: number;
}

/** How a run is set to be probed (null in RunView.probing: not at all). */
export interface RunProbing {
  suites: string[];
  backend: string;
  judge: string | null;
  every: number;
  latestOnly: boolean;
  thresholds: Record<string, number>;
}
