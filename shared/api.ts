// The contract between the renderer and the core: every call the renderer may make, with its argument schema and
// result type. Electron IPC and the HTTP server are two transports of this one contract; the renderer only ever
// holds an `Api` object and never knows which transport is under it.
import { z } from "zod";
import { RUN_FORMATS } from "./domain.js";
import type { CheckpointInfo, MetricPoint } from "./domain.js";
import { API_METHOD_NAMES, type ApiMethodName } from "./apiMethods.js";
import type { CoreEvent, JobProgress } from "./events.js";
import type { ExportData } from "./chart/exportData.js";
import { EXPORT_FORMATS, PRESET_IDS, type ChartSpec, type ExportFormat } from "./chart/exportSpec.js";
import { EXPERIMENT_EXPORT_FORMATS, EXPERIMENT_VIEWS, type ExperimentExportFormat } from "./chart/experimentExportSpec.js";
import type { AlertRule, Annotation, BackendKindInfo, ProbePreview, RunRemoval, BackendTest, DriftSeries, Experiment, ExperimentEffects, FiredAlert, GroupBand, MetricColumns, RolloutPoint, RolloutSampleView, RunView, SampleView, ScorePoint, SuiteInfo, TraitInfo } from "./views.js";

export type { AlertCondition, AlertRule, AlertSubject, AlertTarget, Annotation, BackendFieldInfo, ProbePreview, RunProbing, RunRemoval, DriftColumns, DriftGroupColumns, DriftSeries, Experiment, ExperimentEffects, FiredAlert, GroupBand, GroupSeries, MetricColumns, BackendKindInfo, BackendTest, RolloutPoint, RolloutSampleView, RunView, SampleView, ScorePoint, ScoreSeries, SuiteInfo, TraitInfo } from "./views.js";

const id = z.number().int().positive();
const step = z.number().int().min(0);
const text = z.string().max(10_000);
const tag = z.string().min(1).max(64);
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour like #1f77b4");

/** A chart spec as the transports accept it (see shared/chart/exportSpec.ts for what each field means). */
export const chartSpecSchema = z.strictObject({
  runs: z.array(id).min(1, "choose at least one run").max(100),
  traits: z.array(z.string().min(1).max(200)).max(200),
  context: z.string().min(1).max(200).nullable(),
  metrics: z.array(z.string().min(1).max(500)).max(20),
  xAxis: z.enum(["step", "time"]),
  range: z.tuple([z.number(), z.number()]).refine(([a, b]) => b > a, "the range must end after it starts").nullable(),
  smoothing: z.number().min(0).max(0.99),
  ci: z.boolean(),
  annotations: z.boolean(),
  groupMeans: z.boolean(),
  theme: z.enum(["light", "dark"]),
  preset: z.enum(PRESET_IDS),
  width: z.number().min(1).max(100).nullable(),
  height: z.number().min(1).max(100).nullable(),
  dpi: z.number().int().min(36).max(2400).nullable(),
  title: z.string().max(300).nullable(),
  rollouts: z.array(z.enum(["mean", "rewardCorr", "advantageWeighted", "rewardShare"])).max(4).optional(),
});
// Compile-time: the schema describes exactly the spec type.
const _specMatches: [z.output<typeof chartSpecSchema>] extends [ChartSpec] ? ([ChartSpec] extends [z.output<typeof chartSpecSchema>] ? true : false) : false = true;
void _specMatches;

const finite = z.number().finite();
export const alertTargetSchema = z.discriminatedUnion("kind", [z.strictObject({ kind: z.literal("run"), runId: id }), z.strictObject({ kind: z.literal("group"), group: z.string().min(1).max(200) })]);
export const alertSubjectSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("trait"), trait: z.string().min(1).max(200), context: z.string().min(1).max(200).nullable() }),
  z.strictObject({ kind: z.literal("metric"), key: z.string().min(1).max(500) }),
  z.strictObject({ kind: z.literal("rollout"), trait: z.string().min(1).max(200), measure: z.enum(["mean", "rewardCorr", "advantageWeighted", "rewardShare"]) }),
  z.strictObject({ kind: z.literal("health") }),
]);
export const alertConditionSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("above"), value: finite, ci: z.boolean() }),
  z.strictObject({ kind: z.literal("below"), value: finite, ci: z.boolean() }),
  z.strictObject({ kind: z.literal("jump"), value: finite.min(0), ci: z.boolean() }),
  z.strictObject({ kind: z.literal("trend"), value: finite, window: z.number().int().min(2).max(1000) }),
  z.strictObject({ kind: z.literal("null-rate"), value: finite.min(0).max(1) }),
  z.strictObject({ kind: z.literal("stalled") }),
  z.strictObject({ kind: z.literal("probe-failures") }),
]);
const alertRuleInput = { target: alertTargetSchema, subject: alertSubjectSchema, condition: alertConditionSchema };

/** Argument schemas, one per call: the transports validate every argument against these before the core sees it. */
export const apiSchemas = {
  getInfo: z.strictObject({}),
  listRuns: z.strictObject({}),
  addRun: z.strictObject({ path: z.string().min(1).max(4096), name: z.string().min(1).max(200).optional(), group: z.string().max(200).optional() }),
  setRunHidden: z.strictObject({ runId: id, hidden: z.boolean() }),
  /** What probing with these suites (built-in ids or workspace suites, key or key@version) asks per checkpoint; with
   * a run, each context's system prompt as that run is probed with it (its variables filled in). */
  previewProbing: z.strictObject({ suites: z.array(z.string().min(1).max(300)).min(1).max(50), runId: id.optional(), items: z.boolean().optional() }),
  /** Sets how a run is probed (suites, a stored backend or "demo", a judge or null for none) and starts probing:
   * checkpoints already probed get only what new suites add. */
  /** What is not given is kept from the run's probing (a run not probed yet needs suites and a backend). */
  setRunProbing: z.strictObject({
    runId: id,
    suites: z.array(z.string().min(1).max(300)).min(1).max(50).optional(),
    backend: z.string().min(1).max(200).optional(),
    judge: z.string().min(1).max(200).nullable().optional(),
    every: z.number().int().min(1).max(1_000_000).optional(),
    latestOnly: z.boolean().optional(),
    /** Threshold overrides of derived rules ("rule.threshold" → value), replacing the run's; used by what is probed
     * from then on. */
    thresholds: z.record(z.string().min(1).max(200), z.number().finite()).optional(),
  }),
  /** Takes a run out of the workspace, its stored results deleted or kept (adding the folder again restores them);
   * the run folder is never touched. dryRun only says what the run has stored. */
  removeRun: z.strictObject({ runId: id, deleteData: z.boolean().optional(), dryRun: z.boolean().optional() }),
  /** A run's own fields; variables are merged (null removes one), and contexts that needed a new one are probed. */
  updateRun: z.strictObject({
    runId: id,
    name: z.string().trim().min(1).max(200).optional(),
    group: z.string().trim().min(1).max(200).nullable().optional(),
    seed: z.number().int().min(0).max(2 ** 31).nullable().optional(),
    tags: z.array(tag).max(20).optional(),
    variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "variable names use letters, digits and '_'").max(64), z.string().max(10_000).nullable()).optional(),
    /** How its folder is read: detected ("auto") or one run format. */
    format: z.enum(["auto", ...RUN_FORMATS]).optional(),
  }),
  /** experiment: also write the miniature experiment (six conditions x 3 seeds) and watch it. */
  startDemo: z.strictObject({ experiment: z.boolean().optional() }),
  listCheckpoints: z.strictObject({ runId: id }),
  metricKeys: z.strictObject({ runIds: z.array(id).max(500) }),
  /** Every point of the runs' metrics (exports, tables); step: only that step's values (a checkpoint's page). */
  getMetrics: z.strictObject({ runIds: z.array(id).max(500), keys: z.array(z.string().max(500)).max(50), step: step.optional() }),
  /** The drift view's metric panels: each run's metrics as typed columns, smoothed over every point when asked, each
   * cut to its panel's pixel columns (and to a zoomed step range), with wall times when asked. */
  getMetricSeries: z.strictObject({
    runIds: z.array(id).max(500),
    keys: z.array(z.string().max(500)).max(50),
    times: z.boolean().optional(),
    columns: z.number().int().min(8).max(16_384).optional(),
    range: z.tuple([z.number().finite(), z.number().finite()]).refine(([a, b]) => a <= b, "range: the start must not be after the end").optional(),
    smoothing: z.number().min(0).max(0.999).optional(),
  }),
  listTraits: z.strictObject({ runIds: z.array(id).max(500) }),
  getScores: z.strictObject({ runId: id, trait: z.string().max(200).optional(), context: z.string().max(200).optional() }),
  /** The drift view's series: only the traits and contexts it shows, each cut to its panel's pixel columns (and to
   * a zoomed step range), smoothed over every point when asked, with each group's mean across its runs. */
  getDriftSeries: z.strictObject({
    runIds: z.array(id).max(500),
    traits: z.array(z.string().max(200)).max(500).optional(),
    contexts: z.array(z.string().max(200)).max(100).optional(),
    times: z.boolean().optional(),
    columns: z.number().int().min(8).max(16_384).optional(),
    range: z.tuple([z.number().finite(), z.number().finite()]).refine(([a, b]) => a <= b, "range: the start must not be after the end").optional(),
    smoothing: z.number().min(0).max(0.999).optional(),
  }),
  /** The group means' bands of the runs' groups (two seeds or more), by the experiment statistics' bootstrap; at the
   * named steps only when given (the steps the panels show), else at every probed step. */
  getGroupBands: z.strictObject({ runIds: z.array(id).max(500), trait: z.string().max(200).optional(), context: z.string().max(200).optional(), steps: z.array(step).max(50_000).optional() }),
  getSamples: z.strictObject({ runId: id, step, trait: z.string().max(200).optional() }),
  /** Per-step aggregates of the runs' rollouts (prevalence with its interval, reward correlation, advantage-weighted trait). */
  getRolloutSeries: z.strictObject({ runIds: z.array(id).max(500), trait: z.string().max(200).optional() }),
  /** One step's rollouts with their scores, sorted and paged. */
  getRolloutSamples: z.strictObject({ runId: id, step, trait: z.string().max(200).optional(), sort: z.enum(["reward", "advantage", "score"]).optional(), limit: z.number().int().min(1).max(1000).default(100), offset: z.number().int().min(0).default(0) }),
  /** A trait's rollout scores per step in bins, for the distribution heatmap. */
  getRolloutHistogram: z.strictObject({ runId: id, trait: z.string().max(200), bins: z.number().int().min(2).max(100).default(20) }),
  listAnnotations: z.strictObject({ runIds: z.array(id).max(500) }),
  createAnnotation: z.strictObject({ runId: id, step, to: step.nullable().optional(), text, tags: z.array(tag).max(20).optional(), color: color.optional() }),
  updateAnnotation: z.strictObject({ id, step: step.optional(), to: step.nullable().optional(), text: text.optional(), tags: z.array(tag).max(20).optional(), color: color.nullable().optional() }),
  deleteAnnotation: z.strictObject({ id }),
  listJobs: z.strictObject({ runId: id.optional() }),
  setJobState: z.strictObject({ jobId: id, action: z.enum(["pause", "resume", "retry"]) }),
  listSuites: z.strictObject({}),
  validateSuite: z.strictObject({ name: z.string().max(300), text: z.string().max(5_000_000) }),
  importSuite: z.strictObject({ path: z.string().min(1).max(4096), format: z.enum(["suite", "anthropic-evals", "persona-vectors", "em-yaml"]) }),
  testBackend: z.strictObject({ config: z.record(z.string(), z.unknown()) }),
  listBackendKinds: z.strictObject({}),
  listBackends: z.strictObject({}),
  /** The core validates the config against its kind's schema (the renderer builds it from listBackendKinds). */
  saveBackend: z.strictObject({ config: z.record(z.string(), z.unknown()) }),
  deleteBackend: z.strictObject({ name: z.string().min(1).max(200) }),
  /** Folders whose path starts with what is typed (browser mode's run-folder field; the desktop app has a dialog). */
  completeFolder: z.strictObject({ prefix: z.string().max(4096) }),
  listAlertRules: z.strictObject({}),
  /** Rules made in the app have no action: a program to run is set from the command line, on the machine itself. */
  createAlertRule: z.strictObject(alertRuleInput),
  updateAlertRule: z.strictObject({ id, ...alertRuleInput }),
  deleteAlertRule: z.strictObject({ id }),
  listFiredAlerts: z.strictObject({ runId: id.optional() }),
  listExperiments: z.strictObject({}),
  createExperiment: z.strictObject({
    name: z.string().min(1).max(100),
    control: z.string().min(1).max(200),
    groups: z.array(z.string().min(1).max(200)).max(100),
    tags: z.record(z.string(), z.array(z.string().min(1).max(50)).max(10)).optional(),
    /** The reference run (the base model), by id. */
    reference: id.optional(),
  }),
  getEffects: z.strictObject({
    experiment: z.string().min(1).max(100),
    at: z.string().regex(/^(final|every|step:\d+|window:\d+-\d+)$/, "final, every, step:N or window:A-B"),
    /** Only these traits / contexts (Δ over every step is asked for one panel at a time). */
    traits: z.array(z.string().min(1).max(200)).max(100).optional(),
    contexts: z.array(z.string().min(1).max(200)).max(100).optional(),
    gaps: z.array(z.string().regex(/^[^:]+:[^:]+$/, "CONTEXT_A:CONTEXT_B")).max(20).optional(),
  }),
  getExportData: z.strictObject({ spec: chartSpecSchema }),
  renderExport: z.strictObject({ spec: chartSpecSchema, format: z.enum(EXPORT_FORMATS), fileName: z.string().min(1).max(255) }),
  /** One experiment view as a figure (SVG, PNG, PDF at a preset's width) or the effect matrix as CSV or LaTeX. */
  renderExperimentExport: z.strictObject({
    experiment: z.string().min(1).max(100),
    view: z.enum(EXPERIMENT_VIEWS),
    at: z.string().regex(/^(final|step:\d+|window:\d+-\d+)$/, "final, step:N or window:A-B").optional(),
    context: z.string().min(1).max(200).optional(),
    trait: z.string().min(1).max(200).optional(),
    format: z.enum(EXPERIMENT_EXPORT_FORMATS),
    preset: z.enum(PRESET_IDS).optional(),
    theme: z.enum(["light", "dark"]).optional(),
    dpi: z.number().int().min(36).max(1200).optional(),
    fileName: z.string().min(1).max(255),
  }),
} as const satisfies Record<ApiMethodName, z.ZodType>;

// Compile-time: every listed name has a schema and every schema a listed name.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _namesMatch: Same<keyof typeof apiSchemas, ApiMethodName> = true;
void _namesMatch;

export type ApiArgs = { [K in keyof typeof apiSchemas]: z.input<(typeof apiSchemas)[K]> };

/** Results, per call. */
/** Calls whose results carry typed-array columns: over HTTP they travel as a typed envelope (shared/wire/typedEnvelope.ts)
 * instead of JSON; Electron's IPC carries them as they are. */
export const TYPED_RESULTS: ReadonlySet<ApiMethod> = new Set<ApiMethod>(["getDriftSeries", "getMetricSeries"]);

export interface ApiResults {
  getInfo: { version: string; transport: "electron" | "http" | "cli"; dataPath: string };
  listRuns: RunView[];
  addRun: RunView;
  setRunHidden: RunView;
  removeRun: RunRemoval;
  previewProbing: ProbePreview;
  setRunProbing: RunView;
  updateRun: RunView;
  startDemo: RunView[];
  listCheckpoints: CheckpointInfo[];
  /** Every key any of the runs logged, sorted. */
  metricKeys: string[];
  getMetrics: { runId: number; points: MetricPoint[] }[];
  getMetricSeries: MetricColumns[];
  listTraits: TraitInfo[];
  getScores: ScorePoint[];
  getDriftSeries: DriftSeries;
  getGroupBands: GroupBand[];
  getSamples: SampleView[];
  getRolloutSeries: RolloutPoint[];
  getRolloutSamples: { total: number; rows: RolloutSampleView[] };
  getRolloutHistogram: { trait: string; lo: number; hi: number; bins: number; cells: { step: number; bin: number; count: number }[] };
  listAnnotations: Annotation[];
  createAnnotation: Annotation;
  updateAnnotation: Annotation;
  deleteAnnotation: { deleted: boolean };
  listJobs: JobProgress[];
  setJobState: JobProgress | null;
  listSuites: SuiteInfo[];
  validateSuite: { valid: true; id: string; version: string; traits: string[] } | { valid: false; problems: { line: number; column: number; at: string; message: string }[] };
  importSuite: SuiteInfo;
  testBackend: BackendTest;
  listBackendKinds: BackendKindInfo[];
  /** Every backend stored in the workspace, as its settings (never an API key). */
  listBackends: ({ name: string; kind: string } & Record<string, unknown>)[];
  saveBackend: { name: string; kind: string } & Record<string, unknown>;
  /** runs: the runs set up with a copy of its settings (they keep probing with that copy). */
  deleteBackend: { deleted: boolean; runs: string[] };
  completeFolder: { folders: string[]; truncated: boolean };
  listAlertRules: AlertRule[];
  createAlertRule: AlertRule;
  updateAlertRule: AlertRule;
  deleteAlertRule: { deleted: boolean };
  listFiredAlerts: FiredAlert[];
  listExperiments: Experiment[];
  createExperiment: Experiment;
  getEffects: ExperimentEffects;
  getExportData: ExportData;
  renderExport: RenderedFile;
  renderExperimentExport: Omit<RenderedFile, "format"> & { format: ExperimentExportFormat };
}

/** A rendered export: the file's bytes (base64, so every transport carries it as text) and its manifest. */
export interface RenderedFile {
  fileName: string;
  format: ExportFormat;
  mimeType: string;
  base64: string;
  manifest: Record<string, unknown>;
}

export type ApiMethod = ApiMethodName;
export const API_METHODS: readonly ApiMethod[] = API_METHOD_NAMES;

/** What only the desktop app can do (a native folder dialog, paths of dropped folders); absent in a browser. */
export interface DesktopBridge {
  pickFolder(): Promise<string | null>;
  pathForFile(file: File): string;
  /** Stores a backend's API key encrypted (safeStorage); returns the environment variable name to put in apiKeyEnv. */
  setApiKey(backend: string, key: string): Promise<string>;
  /** Asks where to save (native dialog) and writes the export and its manifest beside it; null when cancelled. */
  saveExport(file: { fileName: string; base64: string; manifest: string }): Promise<string | null>;
}

/** The object the renderer talks to: one async function per call, plus the event stream. */
export type Api = { [K in ApiMethod]: (args: ApiArgs[K]) => Promise<ApiResults[K]> } & {
  onEvent(listener: (event: CoreEvent) => void): () => void;
  /**
   * The connection to the core, where it can break (serve mode: the server restarts, the machine sleeps, the
   * session token changes). Views refetch on "connected" after a break; the app shows a banner while it lasts.
   */
  onConnection?(listener: (state: ConnectionState) => void): () => void;
  desktop?: DesktopBridge;
};

export type ConnectionState = "connected" | "disconnected" | "unauthorised";

/** Validates an argument for a call; throws an ApiError naming the field. */
export function validateArgs<K extends ApiMethod>(method: K, args: unknown): z.output<(typeof apiSchemas)[K]> {
  const schema = apiSchemas[method];
  if (!schema) throw new ApiError("bad-request", `unknown call "${String(method)}"`);
  const r = schema.safeParse(args ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ApiError("bad-request", `${method}: ${i.path.join(".") || "argument"}: ${i.message}`);
  }
  return r.data as z.output<(typeof apiSchemas)[K]>;
}

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiSchemas, name);
}

export class ApiError extends Error {
  constructor(
    readonly code: "bad-request" | "not-found" | "failed",
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
