// The data behind an export, at full precision, with its provenance: what the core reads from the store for a spec.
// It crosses the transport as JSON (numbers round-trip exactly), so the app and the CLI draw from identical data.
import type { Annotation, GroupBand, RolloutPoint, ScoreSeries } from "../views.js";

export interface ExportBackend {
  name: string;
  kind: string;
  model: string;
}

export interface ExportRun {
  id: number;
  name: string;
  path: string;
  group: string | null;
  seed: number | null;
  colour: string;
  /** Its group's hue (the group mean is drawn in it). */
  groupColour: string | null;
  suites: { key: string; version: string }[];
  backend: ExportBackend | null;
  judge: ExportBackend | null;
  /** The run's threshold overrides for derived scorers (scorer.threshold → value). */
  thresholds: Record<string, number>;
}

export interface ExportTrait {
  trait: string;
  name: string;
  unit: string;
  polarity: "higher_is_trait" | "lower_is_trait";
  contexts: string[];
  suite: { key: string; version: string };
  /** The scorer (or derived rule) whose value is the score, and every scorer with its settings (judge templates
   * are named by their SHA-256 rather than repeated). */
  score: string;
  scorers: ({ name: string; kind: string } & Record<string, unknown>)[];
}

export interface ExportMetric {
  runId: number;
  key: string;
  steps: number[];
  values: (number | null)[];
  /** Seconds since the epoch, where the source records it. */
  wallTime: (number | null)[];
}

/** An annotation as exported: the store's, without its edit times. */
export type ExportAnnotation = Omit<Annotation, "createdAt" | "editedAt">;

export interface ExportData {
  runs: ExportRun[];
  /** Every trait the runs were probed for, in suite order (the spec's selection is applied when drawing). */
  traits: ExportTrait[];
  /** Exact scores with n (and completion times), per run, trait and context. */
  scores: ScoreSeries[];
  metrics: ExportMetric[];
  annotations: ExportAnnotation[];
  /** The group means' bands (two-level bootstrap), when the spec draws group means; absent in older exports. */
  groupBands?: GroupBand[];
  /** Per-step rollout aggregates of the runs, when the spec draws rollout panels. */
  rollouts?: RolloutPoint[];
  appVersion: string;
}
