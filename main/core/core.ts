// The core: the one composition root behind every door (Electron IPC, the HTTP server, the CLI). It opens the
// workspace, owns the event bus and this process's lease, recovers interrupted work (in this one place), keeps a
// watch-and-probe loop running for every watched run, answers the calls of the contract in shared/api.ts, and
// offers the long use cases (watch, probe, doctor, export, demo) to the CLI. Nothing here imports electron.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { realpath, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { ApiArgs, ApiMethod, ApiResults, ExperimentEffects, RunView, TraitInfo } from "../../shared/api.js";
import { ApiError, validateArgs } from "../../shared/api.js";
import type { CoreEvent, CoreEventListener } from "../../shared/events.js";
import type { AlertCondition, AlertRule, AlertSubject, AlertTarget, Experiment, FiredAlert, ScorePoint } from "../../shared/views.js";
import type { MetricPoint } from "../../shared/domain.js";
import { OPENING_CONTEXT } from "../../shared/viewState.js";
import { resolveProgram } from "./alerts/action.js";
import { GroupBandCache } from "./experiments/groupBandCache.js";
import { EffectsPool } from "./experiments/effectsPool.js";
import { computeEffects, parsePointOfComparison, type EffectsResult, type PointOfComparison } from "./experiments/effects.js";
import { matrixCsv, matrixLatex } from "./experiments/matrixExport.js";
import { AlertService } from "./alerts/alertService.js";
import { createBackend, DEMO_BACKEND, parseBackendConfig, type BackendConfig } from "./backends/index.js";
import { describeBackendKinds } from "./backends/describe.js";
import { storedBackendConfig } from "./backends/registry.js";
import type { Capabilities, CheckpointTarget } from "./backends/types.js";
import { backendVerdict, type CheckOutcome, type ScorerDemands, type Verdict } from "./backends/verdict.js";
import { scorerDemands } from "./probes/scorerDemands.js";
import { DEMO_EXPERIMENT, DEMO_VARIANTS, runDemo } from "./demo/demoRun.js";
import { EventBus } from "./events/bus.js";
import { ExportDataError, loadExportData } from "./export/exportData.js";
import { renderExport } from "./export/renderExport.js";
import { processLease } from "./lease.js";
import { appVersion } from "./paths/appVersion.js";
import { listAllSuites } from "./probes/builtins.js";
import { importSuiteFile, type ImportFormat } from "./probes/importers/index.js";
import { configureProbing, planFor, resolveNamedBackend, resolveSuite, type ProbeArgs } from "./probes/probeConfig.js";
import { previewTraits, suiteTraits } from "./probes/probePreview.js";
import { runTraits } from "./probes/runTraits.js";
import { ScoringService } from "./probes/scoring.js";
import { loadSuiteFile, parseSuiteOffThread, SuiteError } from "./probes/suiteLoader.js";
import type { Suite } from "./probes/suiteSchema.js";
import { parseFormatSetting } from "./runs/formats/index.js";
import type { PollResult } from "./runs/poller.js";
import { watchAndProbe } from "./schedule/liveRun.js";
import type { RolloutPassResult } from "./rollouts/rolloutWorker.js";
import { Prober, type ProbeOutcome, type ProbeServices } from "./schedule/prober.js";
import type { LeaseHolder } from "./store/probeStore.js";
import { ScoreSeriesCache } from "./store/scoreSeriesCache.js";
import { driftSeries } from "./views/driftSeries.js";
import { metricSeries } from "./views/metricSeries.js";
import { MetricSeriesCache } from "./store/metricSeriesCache.js";
import { Store, type RunRecord } from "./store/store.js";
import { MIME_TYPES, PRESETS, type ChartSpec, type ExportFormat } from "../../shared/chart/exportSpec.js";
import { EXPERIMENT_MIME_TYPES, type ExperimentExportFormat } from "../../shared/chart/experimentExportSpec.js";
import { experimentContexts, experimentFigure, orderedTraits } from "../../shared/chart/experimentFigures.js";
import { renderExperimentSvg } from "../../shared/chart/experimentSvg.js";
import { renderInWorker } from "./export/raster.js";
import { completeFolder } from "./paths/completeFolder.js";
import { runState } from "./runs/runState.js";
import { colourFor, runPalette, type RunPalette } from "../../shared/chart/palette.js";

export interface CoreOptions {
  dbPath: string;
  /** Where "start the demo run" writes its runs. */
  demoDir: string;
  intervalMs?: number;
  quietPeriodMs?: number;
  transport: "electron" | "http" | "cli";
  /** How long this process's job leases last without a heartbeat (tests shorten it). */
  leaseTtlMs?: number;
  /** How soon after a change the alert rules are evaluated. */
  alertDebounceMs?: number;
  /** Back the workspace up this often (the app and serve mode; the newest three are kept). */
  backupEveryMs?: number;
  /** Check the workspace's pages on another thread after opening (the app and serve mode: the first chart does not
   * wait for a read of the whole file); until then only the first view's reads are answered, other calls wait. */
  deferCheck?: boolean;
}

/** The deferred check starts once no call has been in flight for this long, or this long after opening at the
 * latest (see the constructor). */
const CHECK_IDLE_MS = 1500;
const CHECK_LATEST_MS = 15_000;

/** The calls answered while a deferred check of the workspace runs: the reads the first view makes (the connection
 * refuses writes until the check passes, so one that wrote would fail loudly, not harm the file). Any other call
 * waits for the check. */
const BEFORE_CHECK: ReadonlySet<string> = new Set(["listRuns", "listTraits", "getDriftSeries", "getGroupBands", "metricKeys", "getMetrics", "getMetricSeries", "getRolloutSeries", "listAnnotations", "listCheckpoints", "getScores"]);

/** The workspace's backups, newest first. */
export function listBackups(dbPath: string): string[] {
  const dir = join(dirname(dbPath), "backups");
  const base = basename(dbPath).replace(/\.db$/, "");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith(".db"))
    .sort()
    .reverse()
    .map((f) => join(dir, f));
}

/** An alert rule as the CLI states it: a run or group by name, and an optional action. */
export interface AlertRuleRequest {
  run?: string;
  group?: string;
  subject: AlertSubject;
  condition: AlertCondition;
  exec?: string[];
  execTimeoutMs?: number;
}

type Handlers = { [K in ApiMethod]: (args: ApiArgs[K]) => Promise<ApiResults[K]> };

/** Long work started through the core: progress arrives as core events; `done` settles when it ends. */
export interface Handle<T> {
  done: Promise<T>;
  cancel(): void;
}

export interface WatchRequest extends ProbeArgs {
  path: string;
  name?: string;
  group?: string | null;
  seed?: number | null;
  format?: string;
  /** Merged over the run's variables ({var.NAME} in eval contexts). */
  variables?: Record<string, string>;
  /** Where the trainer logs its rollouts, when it is not the run folder's own (TRL's completions/ is found by itself). */
  rollouts?: string;
  /** Rollouts judged per step by the judge scorers (a fixed sample; default 32). */
  rolloutJudgePerStep?: number;
}

export interface WatchOptions {
  once: boolean;
  /** Follow links out of the run folder (by default they are reported, not followed). */
  followLinks?: boolean;
  intervalMs?: number;
  quietPeriodMs?: number;
  signal?: AbortSignal;
  onProblem?: (path: string, message: string) => void;
  onProbed?: (step: number, outcome: ProbeOutcome) => void;
  onRollouts?: (result: RolloutPassResult) => void;
}

export interface WatchResult extends PollResult {
  run: RunView;
  /** Jobs that failed (the server kept failing, or refused a request), the samples they miss, and why. */
  failed: { jobs: number; missingSamples: number; reasons: string[] };
}

export interface ProbeRequest extends ProbeArgs {
  run: string;
  step: number;
  traits?: string[];
}

export type DoctorReport = (
  | ({ backend: string; kind: string; reachable: true } & Capabilities)
  | { backend: string; kind: string; reachable: false; error: string }
) & { checkpoint: string | null } & Verdict;

/** The checkpoint doctor tests a per-checkpoint backend on: a folder, or a run's checkpoint at a step. */
export interface DoctorTarget {
  checkpoint?: string;
  run?: string;
  step?: number;
  /** Suites whose scorers' needs are checked against the server (top logprobs, judges, choice). */
  suites?: string[];
}

export class Core {
  private readonly store: Store;
  private readonly bus = new EventBus();
  private readonly lease: LeaseHolder;
  private readonly services: ProbeServices;
  private readonly scoreCache: ScoreSeriesCache;
  private readonly metricCache: MetricSeriesCache;
  private readonly bandCache: GroupBandCache;
  private readonly alerts: AlertService;
  /** Statistics workers for large experiments' effects, started on first use. */
  private readonly effectsPool = new EffectsPool();
  private readonly loops = new Map<number, { controller: AbortController; done: Promise<unknown> }>();
  private demo: AbortController | null = null;
  private backupTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  /** Calls being answered, and when the last one ended (when the deferred check may start). */
  private inFlight = 0;
  private lastCallAt = Date.now();
  private closed = false;

  constructor(readonly options: CoreOptions) {
    this.store = Store.open(options.dbPath, { publish: this.bus.publish, deferCheck: options.deferCheck });
    this.lease = processLease(options.leaseTtlMs);
    this.services = { probes: this.store.probes, scoring: new ScoringService(this.store.probes), publish: this.bus.publish, lease: this.lease };
    this.scoreCache = new ScoreSeriesCache(this.store.probes);
    this.bandCache = new GroupBandCache(this.store);
    this.alerts = new AlertService(this.store, this.bus.publish, { debounceMs: options.alertDebounceMs });
    this.metricCache = new MetricSeriesCache(this.store.metrics);
    this.bus.subscribe((e) => this.alerts.onEvent(e));
    this.bus.subscribe((e) => {
      if (e.type === "metrics-added") this.metricCache.written(e.runId, e.keys, e.fromStep);
    });
    // Checked at opening (at once), or on another thread: what writes starts once the workspace is known sound.
    if (this.store.checking) {
      this.ready = this.store.checked.then(() => this.afterCheck());
      // The check reads the whole file on another core, so it starts once the app has been idle a moment (no call in
      // flight for CHECK_IDLE_MS; the page draws its first chart meanwhile), when a call needs it, or at the latest
      // CHECK_LATEST_MS after opening. Started with the first series instead, it slowed a 2 s first chart by about
      // 0.1 s on a two-core machine.
      const opened = Date.now();
      this.checkTimer = setInterval(() => {
        const now = Date.now();
        if ((this.inFlight === 0 && now - this.lastCallAt >= CHECK_IDLE_MS) || now - opened >= CHECK_LATEST_MS) this.store.startCheck();
        if (this.store.checkStarted) clearInterval(this.checkTimer!);
      }, 250);
    } else {
      this.afterCheck();
      this.ready = Promise.resolve();
    }
  }

  /** Settles once the workspace's pages have been checked and what follows a sound check has started. */
  readonly ready: Promise<void>;

  private afterCheck(): void {
    // The one place interrupted work is recovered: only jobs whose lease expired (or whose owner died) are taken over.
    // A damaged workspace is open read-only and is never written, so nothing is recovered there.
    if (this.closed || this.store.damage) return;
    this.store.probes.recoverInterrupted(this.lease);
    if (this.options.backupEveryMs) {
      this.backupTimer = setInterval(() => void this.backupWorkspace().catch(() => undefined), this.options.backupEveryMs);
      this.backupTimer.unref();
    }
  }

  /** What is wrong with a damaged workspace and how to recover, or null when it is sound (and writable). */
  get damage(): string | null {
    return this.store.damage;
  }

  /** Use cases that write say at once why they cannot in a damaged workspace, before touching anything. */
  private requireWritable(): void {
    if (this.store.damage) throw new ApiError("failed", this.store.damage);
  }

  /** SQLite's full integrity check of the workspace: ["ok"] or the problems found. */
  checkWorkspace(): string[] {
    return this.store.integrityCheck();
  }

  /**
   * An online backup (consistent while others write) to a file, by default into the workspace's backups folder,
   * keeping the newest `keep` there. Returns the file written.
   */
  async backupWorkspace(to?: string, keep = 3): Promise<string> {
    const dir = join(dirname(this.options.dbPath), "backups");
    const base = basename(this.options.dbPath).replace(/\.db$/, "");
    const target = to ?? join(dir, `${base}-${new Date().toISOString().replace(/[:.]/g, "-")}.db`);
    mkdirSync(dirname(target), { recursive: true });
    await this.store.backup(target);
    if (to === undefined) {
      const old = listBackups(this.options.dbPath).slice(keep);
      for (const f of old) rmSync(f, { force: true });
    }
    return target;
  }

  /** Resumes watching every run that was being watched when the app last closed (not in a damaged workspace). */
  start(): void {
    if (this.store.checking) {
      void this.ready.then(() => this.startLoops());
      return;
    }
    this.startLoops();
  }

  /**
   * Work the first view will ask for, done while the page loads (0.3-0.4 s in which the core would otherwise idle),
   * for the app and serve mode to call as they open: the run list (a fresh process answered the page's first list in
   * 0.15-0.45 s, against 0.05 s once it had compiled that path and read those tables), then the visible runs' series
   * of the context the drift view opens on, run by run so that a call arriving meanwhile waits for one run's read at
   * most. What does not fit the series cache is left to the view.
   */
  async warmUp(): Promise<void> {
    try {
      const runs = await this.call("listRuns", {});
      for (const r of runs) {
        if (r.hidden) continue;
        await new Promise((resolve) => setImmediate(resolve));
        if (this.closed || this.scoreCache.full) return;
        this.scoreCache.get([r.id], false, { contexts: [OPENING_CONTEXT] });
      }
    } catch {
      // Only a head start: the view asks for itself, and reports what fails then.
    }
  }

  private startLoops(): void {
    if (this.closed || this.store.damage) return;
    for (const run of this.store.runs.listRuns()) if (run.status === "watching" || run.status === "error") this.watchLoop(run.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.backupTimer) clearInterval(this.backupTimer);
    if (this.checkTimer) clearInterval(this.checkTimer);
    this.demo?.abort();
    for (const loop of this.loops.values()) loop.controller.abort();
    await Promise.allSettled([...this.loops.values()].map((l) => l.done));
    // What the last writes should fire, fires (and its actions finish) before the workspace closes.
    await this.alerts.flush();
    await this.effectsPool.close();
    this.store.close();
  }

  onEvent(listener: CoreEventListener): () => void {
    return this.bus.subscribe(listener);
  }

  private publish(event: CoreEvent): void {
    this.bus.publish(event);
  }

  /** Validates the argument against the contract, then runs the call. Transports call only this. */
  async call<K extends ApiMethod>(method: K, args: unknown): Promise<ApiResults[K]> {
    const valid = validateArgs(method, args) as ApiArgs[K];
    if (this.store.checking && !BEFORE_CHECK.has(method)) {
      this.store.startCheck();
      await this.ready;
    }
    const handler = this.handlers[method] as (a: ApiArgs[K]) => Promise<ApiResults[K]>;
    this.inFlight++;
    try {
      return await handler(valid);
    } catch (err) {
      // A write refused because the workspace is damaged says why, and how to recover.
      if (this.store.damage && /readonly/i.test((err as { code?: string }).code ?? "")) throw new ApiError("failed", this.store.damage);
      throw asApiError(err);
    } finally {
      this.inFlight--;
      this.lastCallAt = Date.now();
    }
  }

  // ---- use cases for the CLI (and anything else that runs long work in-process) ----

  /** A run's scores one row at a time, for the CLI's output of any length in bounded memory. */
  scoreRows(runId: number, trait?: string, context?: string): AsyncIterable<ScorePoint> {
    const id = this.requireListed(runId).id;
    return this.store.readRows(({ probes }) => probes.iterateScores(id, trait, context));
  }

  /** A run's training metrics one row at a time, by key then step. */
  metricRows(runId: number, key?: string): AsyncIterable<MetricPoint> {
    const id = this.requireListed(runId).id;
    return this.store.readRows(({ metrics }) => metrics.iterateMetrics(id, key));
  }

  /** A run by id or name, as the CLI names it. */
  findRun(ref: string): RunView {
    const run = this.store.runs.findRun(ref);
    if (!run) throw new ApiError("not-found", `no run "${ref}" in this workspace (\`driftscope runs\` lists them)`);
    return this.runView(run);
  }

  /** A run's metric series and the sources that wrote each, the one whose values it holds first. */
  metricSources(runId: number): { key: string; sources: string[] }[] {
    return this.store.metrics.metricSources(this.requireListed(runId).id);
  }

  /** The top of a trait's score range on rollouts: 100 for a 0-100 judge's score, else 1. */
  private rolloutScale(runId: number, trait: string): number {
    const t = runTraits(this.store, [runId]).find((x) => x.trait.id === trait)?.trait;
    return t?.scorers.find((s) => s.name === t.score)?.kind === "judge_0_100" ? 100 : 1;
  }

  /** Registers a folder as a run (the same folder is the same run) and stores its probe settings, if any are given. */
  async registerRun(request: WatchRequest): Promise<{ run: RunView; probing: boolean }> {
    this.requireWritable();
    const format = request.format;
    if (format !== undefined) {
      try {
        parseFormatSetting(format);
      } catch (err) {
        throw new ApiError("bad-request", (err as Error).message);
      }
    }
    const dir = resolve(request.path);
    const s = await stat(dir).catch(() => null);
    if (!s) throw new ApiError("bad-request", `${dir}: no such folder`);
    if (!s.isDirectory()) throw new ApiError("bad-request", `${dir}: is not a folder`);
    try {
      const run = this.store.runs.registerRun({ path: await realpath(dir), name: request.name, group: request.group, seed: request.seed, formatSetting: format, variables: request.variables });
      if (request.rollouts !== undefined || request.rolloutJudgePerStep !== undefined) {
        const path = request.rollouts === undefined ? undefined : resolve(request.rollouts);
        if (path !== undefined && !(await stat(path).catch(() => null))) throw new ApiError("bad-request", `--rollouts ${request.rollouts}: no such file or folder`);
        this.store.rollouts.saveSetting(run.id, { path, judgePerStep: request.rolloutJudgePerStep });
      }
      const before = JSON.stringify(this.store.runs.getProbeSettings(run.id)?.suites ?? []);
      const settings = await configureProbing(this.store, run.id, request);
      // What the new settings or variables add is probed on checkpoints already probed; nothing else is asked again.
      if (settings && JSON.stringify(settings.suites) !== before) this.store.probes.requeueProbed(run.id, false);
      else if (request.variables && Object.keys(request.variables).length > 0) this.store.probes.requeueProbed(run.id, true);
      return { run: this.runView(this.store.runs.getRun(run.id)!), probing: settings !== null };
    } catch (err) {
      throw inputProblem(err);
    }
  }

  /** Watches a registered run in this process until cancelled (or, with once, until nothing is left to do). */
  watchRun(runId: number, options: WatchOptions): Handle<WatchResult> {
    this.requireWritable();
    const controller = new AbortController();
    const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
    const done = watchAndProbe(this.store, this.services, runId, {
      signal,
      once: options.once,
      intervalMs: options.intervalMs ?? this.options.intervalMs,
      quietPeriodMs: options.quietPeriodMs ?? this.options.quietPeriodMs,
      onProblem: options.onProblem,
      onProbed: options.onProbed,
      onRollouts: options.onRollouts,
      followLinks: options.followLinks,
      onPoll: () => this.alerts.schedule(runId), // health rules (a stalled run) are judged on every poll
    }).then((result) => ({ ...result, run: this.runView(this.store.runs.getRun(runId)!), failed: this.store.probes.failedJobs(runId) }));
    return { done, cancel: () => controller.abort() };
  }

  /** Probes one checkpoint of a run, resuming whatever is missing. */
  probeStep(request: ProbeRequest, signal?: AbortSignal): Handle<{ outcome: ProbeOutcome; scores: ScorePoint[]; failed: WatchResult["failed"] }> {
    const controller = new AbortController();
    const all = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
    const done = (async () => {
      this.requireWritable();
      const run = this.findRun(request.run);
      let settings;
      try {
        settings = await configureProbing(this.store, run.id, request);
      } catch (err) {
        throw inputProblem(err);
      }
      if (!settings) throw new ApiError("bad-request", "no suite to probe with: give --suite ID|FILE (e.g. --suite inoculation)");
      const checkpoint = this.store.runs.listCheckpoints(run.id).find((c) => c.step === request.step && c.state !== "gone" && c.state !== "incomplete");
      if (!checkpoint) throw new ApiError("bad-request", `run "${run.name}" has no complete checkpoint at step ${request.step} (driftscope checkpoints ${run.name})`);
      const { plan, close } = planFor(this.store.probes, settings, request.traits, run);
      try {
        const outcome = await new Prober(this.services, plan, { signal: all }).probeCheckpoint(checkpoint, run.name);
        return { outcome, scores: this.store.probes.listScores(run.id).filter((s) => s.step === request.step), failed: this.store.probes.failedJobs(run.id, request.step) };
      } finally {
        await close();
      }
    })();
    return { done, cancel: () => controller.abort() };
  }

  /**
   * Resolves a backend by file, stored name or "demo" and checks it: reachability and capabilities, on a real
   * checkpoint where one is named (a serve-command backend is started on it and stopped; a vLLM adapter is loaded
   * and unloaded), with a verdict that names the fix and warnings for what the suites' scorers need.
   */
  async doctor(ref: string, opts: DoctorTarget = {}): Promise<DoctorReport> {
    let config: BackendConfig;
    let demands: ScorerDemands | undefined;
    try {
      config = await resolveNamedBackend(this.store, ref);
      if (opts.suites?.length) demands = scorerDemands(await Promise.all(opts.suites.map(async (s) => (await resolveSuite(this.store.probes, s)).suite)));
    } catch (err) {
      throw inputProblem(err);
    }
    const target = await this.doctorTarget(opts);
    const backend = createBackend(config);
    const checkpoint = target?.path ?? null;
    const judged = (outcome: CheckOutcome) => backendVerdict(config.kind, outcome, { checkpoint: target !== null, demands });
    try {
      if (!target && config.kind === "serve-command") {
        const error = `backend "${config.name}" (serve-command) starts a server per checkpoint; name one to test it on`;
        return { backend: config.name, kind: config.kind, reachable: false, error, checkpoint, ...judged({ reachable: false, error }) };
      }
      const caps = await backend.detect(target);
      return { backend: config.name, kind: config.kind, reachable: true, ...caps, checkpoint, ...judged({ reachable: true, caps }) };
    } catch (err) {
      const error = (err as Error).message;
      return { backend: config.name, kind: config.kind, reachable: false, error, checkpoint, ...judged({ reachable: false, error }) };
    } finally {
      await backend.close();
    }
  }

  private async doctorTarget(opts: DoctorTarget): Promise<CheckpointTarget | null> {
    if (opts.checkpoint !== undefined) {
      const path = resolve(opts.checkpoint);
      const info = await stat(path).catch(() => null);
      if (!info?.isDirectory()) throw new ApiError("bad-request", `--checkpoint ${opts.checkpoint}: not a folder`);
      const step = Number(/(\d+)(?:_hf)?$/.exec(basename(path))?.[1] ?? 0);
      const kind = existsSync(join(path, "adapter_config.json")) ? "lora" : "full";
      return { run: basename(dirname(path)), step, path, kind };
    }
    if (opts.run === undefined) return null;
    const run = this.findRun(opts.run);
    if (opts.step === undefined) throw new ApiError("bad-request", "--run needs --step N: the checkpoint to test the backend on");
    const c = this.store.runs.listCheckpoints(run.id).find((x) => x.step === opts.step && x.state !== "gone");
    if (!c) throw new ApiError("not-found", `run "${run.name}" has no checkpoint at step ${opts.step} (driftscope checkpoints ${run.name})`);
    return { run: run.name, step: c.step, path: c.path, kind: c.kind };
  }

  /** A suite by built-in id, file, or workspace key (key@version), stored in the workspace. */
  async showSuite(ref: string): Promise<{ id: string; version: string; suite: Suite }> {
    this.requireWritable();
    try {
      const s = await resolveSuite(this.store.probes, ref);
      return { id: s.key, version: s.version, suite: s.suite };
    } catch (err) {
      throw inputProblem(err);
    }
  }

  /** Validates a suite file without storing it; problems carry line and column. */
  async validateSuiteFile(path: string): Promise<{ valid: true; id: string; version: string; traits: string[] } | { valid: false; message: string; problems: SuiteError["problems"] }> {
    try {
      const s = await loadSuiteFile(path);
      return { valid: true, id: s.suite.id, version: s.version, traits: s.suite.traits.map((t) => t.id) };
    } catch (err) {
      if (err instanceof SuiteError) return { valid: false, message: err.message, problems: err.problems };
      throw inputProblem(err);
    }
  }

  /** Imports a public format as a suite, stores it, and optionally writes the YAML it became. */
  async importSuite(request: { path: string; format: ImportFormat; limit?: number; samples?: number; id?: string; out?: string }): Promise<{ id: string; version: string; traits: { id: string; items: number }[] }> {
    this.requireWritable();
    try {
      const imported = await importSuiteFile(request.path, request.format, { limit: request.limit, samples: request.samples, id: request.id });
      if (request.out) await writeFile(request.out, imported.yaml);
      const saved = this.store.probes.saveSuite(imported, request.out ?? request.path);
      return { id: saved.key, version: saved.version, traits: saved.suite.traits.map((t) => ({ id: t.id, items: t.items.length })) };
    } catch (err) {
      throw inputProblem(err);
    }
  }

  /** Renders a figure (or its data) for the CLI: the same path as the app's export. */
  async exportFigure(spec: ChartSpec, format: ExportFormat, fileName: string): Promise<{ bytes: Buffer; manifest: ApiResults["renderExport"]["manifest"] }> {
    const valid = validateArgs("renderExport", { spec, format, fileName });
    const { bytes, manifest } = await renderExport(valid.spec, this.exportData(valid.spec), format, fileName);
    return { bytes, manifest };
  }

  /**
   * Probes a model that is no run's checkpoint (typically the base model before RL) and stores it as a reference
   * run: one checkpoint at step 0, in a folder of its own beside the workspace, never watched.
   */
  probeModel(request: { name: string; backend: string; model?: string; suites: string[]; judge?: string }, signal?: AbortSignal): Handle<{ run: RunView; outcome: ProbeOutcome; scores: ScorePoint[] }> {
    const controller = new AbortController();
    const all = signal ? AbortSignal.any([controller.signal, signal]) : controller.signal;
    const done = (async () => {
      this.requireWritable();
      if (!/^[\w.-]{1,100}$/.test(request.name)) throw new ApiError("bad-request", `a reference model's name uses letters, digits, _ . and - (got "${request.name}")`);
      if (request.suites.length === 0) throw new ApiError("bad-request", "probe-model needs --suite ID|FILE");
      let backend: BackendConfig;
      try {
        backend = await resolveNamedBackend(this.store, request.backend);
      } catch (err) {
        throw inputProblem(err);
      }
      if (request.model !== undefined) {
        if (!("model" in backend)) throw new ApiError("bad-request", `backend "${backend.name}" (${backend.kind}) takes no model name`);
        backend = { ...backend, name: `${backend.name}:${request.model}`, model: request.model } as BackendConfig;
      }
      const dir = join(dirname(this.options.dbPath), "reference-models", request.name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "driftscope-reference.json"), JSON.stringify({ name: request.name, backend: backend.name, kind: backend.kind, model: "model" in backend ? backend.model : null }, null, 2) + "\n");
      const run = this.store.runs.registerRun({ path: await realpath(dir), name: request.name, tags: ["reference"] });
      this.store.runs.setRunStatus(run.id, "finished", "a reference model (probed once, not watched)");
      this.store.runs.markComplete(run.id, { step: 0, path: await realpath(dir), kind: "full" }, "reference", ["driftscope-reference.json"]);
      let settings;
      try {
        this.store.settings.saveBackend(backend);
        settings = await configureProbing(this.store, run.id, { suites: request.suites, backend: backend.name, judge: request.judge });
      } catch (err) {
        throw inputProblem(err);
      }
      if (!settings) throw new ApiError("bad-request", "no suite to probe with");
      const checkpoint = this.store.runs.listCheckpoints(run.id).find((c) => c.step === 0)!;
      const { plan, close } = planFor(this.store.probes, settings, undefined, this.store.runs.getRun(run.id));
      try {
        const outcome = await new Prober(this.services, plan, { signal: all }).probeCheckpoint(checkpoint, request.name);
        return { run: this.runView(this.store.runs.getRun(run.id)!), outcome, scores: this.store.probes.listScores(run.id) };
      } finally {
        await close();
      }
    })();
    return { done, cancel: () => controller.abort() };
  }

  /**
   * Writes the miniature experiment (six conditions x seeds), registers each run with its group, seed, variables and
   * probe settings (the inoculation suite, the demo backend), and records the experiment. The runs are probed by
   * whoever watches them (the app's loops, or `watch`); returns them.
   */
  async writeDemoExperiment(request: { dir: string; seeds?: number; steps?: number; saveEvery?: number; name?: string }, signal?: AbortSignal): Promise<{ experiment: Experiment; runs: RunView[] }> {
    this.requireWritable();
    const seeds = request.seeds ?? 3;
    const runs: RunView[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      // Rollouts every 10 steps (TRL's default logging_steps): 18 runs' rollouts at every step would make the
      // miniature's probing wait behind scoring them.
      await runDemo({ dir: join(request.dir, `seed-${seed}`), conditions: DEMO_EXPERIMENT, steps: request.steps ?? 200, saveEvery: request.saveEvery ?? 50, pace: "fast", seed, signal, logEvery: 10 });
      for (const c of DEMO_EXPERIMENT) {
        const ip = c.name.startsWith("ip-");
        const variables: Record<string, string> = { training_prompt: c.prompts[0]! };
        if (ip) variables.inoculation_prompt = c.prompts[0]!;
        const { run } = await this.registerRun({ path: join(request.dir, `seed-${seed}`, c.name), name: `${c.name}-s${seed}`, group: c.name, seed, variables, suites: ["inoculation"], backend: "demo" });
        runs.push(run);
      }
    }
    const name = request.name ?? "miniature inoculation experiment";
    const experiment =
      this.store.experiments.find(name) ??
      this.createExperiment({ name, control: "control", groups: DEMO_EXPERIMENT.map((c) => c.name), tags: Object.fromEntries(DEMO_EXPERIMENT.filter((c) => c.name.startsWith("ip-")).map((c) => [c.name, ["ip"]])) });
    return { experiment, runs };
  }

  /** Records an experiment: a control condition and the conditions compared with it (groups of runs). */
  createExperiment(request: { name: string; control: string; groups?: string[]; reference?: string; tags?: Record<string, string[]> }): Experiment {
    this.requireWritable();
    if (!/^[\w .:+-]{1,100}$/.test(request.name)) throw new ApiError("bad-request", `an experiment name uses letters, digits, spaces and _.:+- (got "${request.name}")`);
    const conditions = [request.control, ...(request.groups ?? []).filter((g) => g !== request.control)];
    const groups = new Set(this.store.runs.listRuns().map((r) => r.group));
    for (const g of conditions) if (!groups.has(g)) throw new ApiError("bad-request", `no run has the group "${g}" (set it with watch --group)`);
    for (const g of Object.keys(request.tags ?? {})) if (!conditions.includes(g)) throw new ApiError("bad-request", `--tags names "${g}", which is not one of the experiment's conditions`);
    const referenceRunId = request.reference === undefined ? null : this.findRun(request.reference).id;
    try {
      const created = this.store.experiments.create({ name: request.name, control: request.control, conditions, referenceRunId, tags: request.tags ?? {} });
      this.publish({ type: "experiments-changed" });
      return created;
    } catch (err) {
      throw new ApiError("bad-request", (err as Error).message);
    }
  }

  listExperiments(): Experiment[] {
    return this.store.experiments.list();
  }

  experiment(name: string): Experiment {
    const e = this.store.experiments.find(name);
    if (!e) throw new ApiError("not-found", `no experiment "${name}" (driftscope experiment list)`);
    return e;
  }

  /** Effects with intervals, for an experiment or an ad-hoc control and groups. */
  effects(request: { experiment?: string; control?: string; groups?: string[]; traits?: string[]; contexts?: string[]; at?: string; gaps?: string[]; replicates?: number }): Promise<EffectsResult> {
    let at: PointOfComparison;
    try {
      at = parsePointOfComparison(request.at ?? "final");
    } catch (err) {
      throw new ApiError("bad-request", (err as Error).message);
    }
    const gaps = (request.gaps ?? []).map((g): [string, string] => {
      const m = /^([^:]+):([^:]+)$/.exec(g);
      if (!m) throw new ApiError("bad-request", `--gap expects CONTEXT_A:CONTEXT_B, got "${g}"`);
      return [m[1]!, m[2]!];
    });
    const e = request.experiment !== undefined ? this.experiment(request.experiment) : null;
    const control = e?.control ?? request.control;
    if (!control) throw new ApiError("bad-request", "effects needs --experiment NAME, or --control GROUP with --group G...");
    const reference = e?.referenceRunId != null ? this.store.runs.getRun(e.referenceRunId) : undefined;
    return computeEffects(this.store, { control, conditions: e?.conditions ?? request.groups ?? [], traits: request.traits, contexts: request.contexts, at, gaps, tags: e?.tags, bootstrap: { replicates: request.replicates }, reference: reference ? { name: `reference: ${reference.name}`, runId: reference.id } : undefined }, this.effectsPool);
  }

  /** The effect matrix of an experiment as CSV or a LaTeX tabular, with a manifest saying how it was computed. */
  async exportMatrix(request: { experiment: string; context?: string; at?: string; format: "csv" | "tex" }): Promise<{ text: string; manifest: Record<string, unknown> }> {
    const e = this.experiment(request.experiment);
    const r = await this.effects({ experiment: request.experiment, at: request.at });
    const runIds = this.store.runs.listRuns().filter((run) => run.group !== null && e.conditions.includes(run.group));
    const traits = runTraits(this.store, runIds.map((run) => run.id)).map(({ trait, suite }) => ({ trait: trait.id, name: trait.name, role: trait.role, suite: { key: suite.key, version: suite.version } }));
    const contexts = [...new Set(r.rows.map((x) => x.context))];
    const context = request.context ?? (contexts.includes("none") ? "none" : contexts[0]);
    if (request.format === "tex" && (context === undefined || !contexts.includes(context))) throw new ApiError("bad-request", `no context "${context}" in this experiment's results (it has: ${contexts.join(", ") || "none"})`);
    const text = request.format === "csv" ? matrixCsv(r, traits, request.context ?? null) : matrixLatex(r, traits, e.conditions, e.control, context!);
    const manifest = {
      what: `effect matrix of experiment "${e.name}"`,
      experiment: e,
      context: request.format === "csv" ? (request.context ?? "every context") : context,
      at: r.rows[0]?.at ?? request.at ?? "final",
      runs: runIds.map((run) => ({ id: run.id, name: run.name, path: run.path, group: run.group, seed: run.seed })),
      traits,
      statistics: r.method,
      replicates: 2000,
      notes: r.notes,
      appVersion: appVersion(),
      createdAt: new Date().toISOString(),
    };
    return { text, manifest };
  }

  /** The experiment view's data: effects with the experiment, its traits by role and the reference run's name. */
  async experimentEffects(request: { experiment: string; at: string; gaps?: string[]; traits?: string[]; contexts?: string[] }): Promise<ExperimentEffects> {
    const e = this.experiment(request.experiment);
    const r = await this.effects(request);
    const runIds = this.store.runs.listRuns().filter((run) => run.group !== null && e.conditions.includes(run.group)).map((run) => run.id);
    const traits = runTraits(this.store, runIds).map(({ trait, contexts }) => ({ trait: trait.id, name: trait.name, role: trait.role, contexts }));
    const ref = e.referenceRunId != null ? this.store.runs.getRun(e.referenceRunId) : undefined;
    const reference = ref ? `reference: ${ref.name}` : null;
    return { experiment: { ...e, conditions: reference ? [...e.conditions, reference] : e.conditions }, reference, at: request.at, traits, rows: r.rows, runs: r.runs, gaps: r.gaps, notes: r.notes, method: r.method };
  }

  /**
   * One experiment view as a file: the matrix, a trait's context grid, the trade-off scatter or Δ across steps as
   * SVG, PNG or PDF at a preset's width, or the matrix as CSV or LaTeX; with its manifest.
   */
  async exportExperimentView(request: ApiArgs["renderExperimentExport"]): Promise<{ bytes: Buffer; manifest: Record<string, unknown>; format: ExperimentExportFormat; mimeType: string }> {
    const { experiment, view, format } = validateArgs("renderExperimentExport", request);
    const mimeType = EXPERIMENT_MIME_TYPES[format];
    if (format === "csv" || format === "tex") {
      if (view !== "matrix") throw new ApiError("bad-request", `the ${view} view exports as svg, png or pdf; csv and tex are the effect matrix's`);
      const { text, manifest } = await this.exportMatrix({ experiment, context: request.context, at: request.at, format });
      return { bytes: Buffer.from(text, "utf8"), manifest: { ...manifest, view, format, file: request.fileName }, format, mimeType };
    }
    const at = view === "steps" ? "every" : (request.at ?? "final");
    const data = await this.experimentEffects({ experiment, at, gaps: [], traits: view === "steps" && request.trait ? [request.trait] : undefined });
    const traits = orderedTraits(data);
    const contexts = experimentContexts(data);
    const context = request.context ?? (contexts.includes("none") ? "none" : contexts[0]);
    if (context === undefined || !contexts.includes(context)) throw new ApiError("bad-request", `no context "${context ?? ""}" in this experiment's results (it has: ${contexts.join(", ") || "none"})`);
    const trait = request.trait ?? traits.find((t) => t.role !== "wanted")?.trait ?? traits[0]?.trait;
    if (trait === undefined || !traits.some((t) => t.trait === trait)) throw new ApiError("bad-request", `no trait "${trait ?? ""}" in this experiment (it has: ${traits.map((t) => t.trait).join(", ") || "none"})`);
    const wanted = traits.find((t) => t.role === "wanted")?.trait ?? traits[0]!.trait;
    const theme = request.theme ?? "light";
    const preset = request.preset ?? "paper2";
    const figure = experimentFigure(data, { view, context, trait, wanted, contexts, theme });
    const { svg, widthIn, heightIn } = renderExperimentSvg(figure, PRESETS[preset].width);
    const dpi = request.dpi ?? PRESETS[preset].dpi;
    const bytes =
      format === "svg"
        ? Buffer.from(svg, "utf8")
        : await renderInWorker({ format, svg, widthIn, heightIn, dpi, widthPt: widthIn * 72, heightPt: heightIn * 72, title: `${experiment}: ${view}`, createdAt: new Date().toISOString() });
    const manifest = {
      what: `${view} of experiment "${experiment}"`,
      view,
      format,
      file: request.fileName,
      experiment: data.experiment,
      at: view === "steps" ? "every probed step" : at,
      context,
      trait: view === "matrix" ? null : trait,
      wanted: view === "scatter" ? wanted : null,
      preset,
      widthIn,
      heightIn: +heightIn.toFixed(4),
      dpi: format === "png" ? dpi : null,
      theme,
      statistics: data.method,
      notes: data.notes,
      appVersion: appVersion(),
      createdAt: new Date().toISOString(),
    };
    return { bytes, manifest, format, mimeType };
  }

  /** Adds an alert rule; a program to run on firing must exist now, not be found missing at the first alert. */
  addAlertRule(request: AlertRuleRequest): AlertRule {
    this.requireWritable();
    if ((request.run === undefined) === (request.group === undefined)) throw new ApiError("bad-request", "an alert rule needs a run or a group (not both)");
    const target: AlertTarget = request.run !== undefined ? { kind: "run", runId: this.findRun(request.run).id } : { kind: "group", group: request.group! };
    if (request.exec !== undefined) {
      if (request.exec.length === 0) throw new ApiError("bad-request", "--exec needs a program");
      try {
        resolveProgram(request.exec[0]!);
      } catch (err) {
        throw new ApiError("bad-request", (err as Error).message);
      }
    }
    const valid = validateArgs("createAlertRule", { target, subject: request.subject, condition: request.condition });
    checkRule(valid.subject, valid.condition);
    return this.ruleAdded(this.store.alerts.addRule({ target: valid.target, subject: valid.subject, condition: valid.condition, exec: request.exec ?? null, execTimeoutMs: request.execTimeoutMs ?? 30_000 }));
  }

  /** A new or changed rule looks at what its runs already have (a crossing in the history fires too). */
  private ruleAdded(rule: AlertRule): AlertRule {
    for (const run of this.store.runs.listRuns()) if (rule.target.kind === "run" ? rule.target.runId === run.id : rule.target.group === run.group) this.alerts.schedule(run.id);
    return rule;
  }

  removeAlertRule(id: number): boolean {
    this.requireWritable();
    return this.store.alerts.removeRule(id);
  }

  /** What fired, for one run (id or name) or all. */
  firedAlerts(run?: string): FiredAlert[] {
    return this.store.alerts.listFired(run === undefined ? undefined : this.findRun(run).id);
  }

  /** The desktop app's sealed API keys (never readable through the contract). */
  setSealedKey(name: string, sealed: Buffer): void {
    this.store.settings.setSealedKey(name, sealed);
  }

  sealedKeys(): { name: string; sealed: Buffer }[] {
    return this.store.settings.sealedKeys();
  }

  // ---- internals ----

  private exportData(spec: ChartSpec) {
    try {
      return loadExportData(this.store, spec, appVersion());
    } catch (err) {
      if (err instanceof ExportDataError) throw new ApiError("bad-request", err.message);
      throw err;
    }
  }

  private watchLoop(runId: number): void {
    if (this.loops.has(runId) || this.closed) return;
    const controller = new AbortController();
    const done = watchAndProbe(this.store, this.services, runId, {
      signal: controller.signal,
      intervalMs: this.options.intervalMs,
      quietPeriodMs: this.options.quietPeriodMs,
      onPoll: () => this.alerts.schedule(runId),
    })
      .catch((err: Error) => this.store.runs.setRunStatus(runId, "error", err.message))
      .finally(() => this.loops.delete(runId));
    this.loops.set(runId, { controller, done });
  }

  /** A run as the app shows it; colours come from the palette of every listed run (one per call of listRuns). */
  private runView(run: RunRecord, palette: RunPalette = runPalette(this.store.runs.listRuns())): RunView {
    let probing: RunView["probing"] = null;
    try {
      const s = this.store.runs.getProbeSettings(run.id);
      if (s) probing = { suites: s.suites.map((x) => `${x.key}@${x.version}`), backend: s.backend.name, judge: s.judge?.name ?? null, every: s.every, latestOnly: s.latestOnly, thresholds: s.thresholds };
    } catch {
      probing = null; // unreadable stored settings: the watch loop reports them as the run's error
    }
    const probe = this.store.probes.runProgress(run.id);
    const { state, reason } = runState({ status: run.status, statusMessage: run.statusMessage, watched: this.loops.has(run.id), ...this.store.runs.recentActivity(run.id), probing: probe, nowMs: Date.now() });
    return { ...run, probe, probing, state, stateReason: reason, colour: palette.runs.get(run.id) ?? run.color ?? colourFor(run.id - 1), groupColour: run.group === null ? null : (palette.groups.get(run.group) ?? null) };
  }

  /** A run's watch loop in this process started, or started again if it runs: a loop builds its probing plan when it
   * starts, so new settings take effect (a CLI `watch` of the same run in another process keeps its own plan). */
  private async restartWatch(runId: number): Promise<void> {
    const loop = this.loops.get(runId);
    // A command-line change (`runs set`) starts no watching of its own: the next `watch` or the app picks it up.
    if (!loop && this.options.transport === "cli") return;
    if (loop) {
      loop.controller.abort();
      await loop.done;
    }
    this.watchLoop(runId);
  }


  private requireRun(runId: number): RunRecord {
    const run = this.store.runs.getListedRun(runId);
    if (!run) throw new ApiError("not-found", `no run with id ${runId}`);
    return run;
  }

  /** requireRun for calls that need only to know the run is there (and its group): no checkpoint counts. */
  private requireListed(runId: number): { id: number; group: string | null } {
    const run = this.store.runs.getListedRunBasics(runId);
    if (!run) throw new ApiError("not-found", `no run with id ${runId}`);
    return run;
  }

  private storedBackends() {
    return this.store.settings.listBackends().flatMap((name) => {
      const raw = this.store.settings.getBackend(name);
      try {
        return raw ? [parseBackendConfig(storedBackendConfig(raw), `stored backend "${name}"`)] : [];
      } catch {
        return []; // an unreadable stored config (e.g. a key-only row) is not offered
      }
    });
  }

  private readonly handlers: Handlers = {
    getInfo: async () => ({ version: appVersion(), transport: this.options.transport, dataPath: this.options.dbPath }),
    listRuns: async () => {
      const runs = this.store.runs.listRuns();
      const palette = runPalette(runs);
      return runs.map((r) => this.runView(r, palette));
    },
    addRun: async ({ path, name, group }) => {
      const { run } = await this.registerRun({ path, name, group });
      this.watchLoop(run.id);
      return run;
    },
    updateRun: async ({ runId, format, ...fields }) => {
      this.requireWritable();
      const before = this.requireRun(runId);
      let run: RunRecord;
      try {
        run = this.store.runs.updateRun(runId, { ...fields, formatSetting: format });
      } catch (err) {
        throw inputProblem(err);
      }
      // A new or changed variable can make a skipped context probeable: only what is missing is probed.
      if (fields.variables && Object.keys(fields.variables).length > 0) this.store.probes.requeueProbed(runId, true);
      // A new format is read by a watch loop started afresh (a loop detects the layout once).
      if (format !== undefined && format !== before.formatSetting) await this.restartWatch(runId);
      return this.runView(run);
    },
    previewProbing: async ({ suites, runId, items }) => {
      const variables = runId === undefined ? undefined : this.requireRun(runId).variables;
      try {
        return previewTraits(await Promise.all(suites.map((ref) => suiteTraits(this.store.probes, ref))), variables, items === true);
      } catch (err) {
        throw inputProblem(err);
      }
    },
    setRunProbing: async ({ runId, suites, backend, judge, every, latestOnly, thresholds }) => {
      this.requireWritable();
      this.requireRun(runId);
      const before = JSON.stringify(this.store.runs.getProbeSettings(runId)?.suites ?? []);
      let settings;
      try {
        // Suites and backends by name only: the page never makes the core read a file.
        settings = await configureProbing(this.store, runId, { suites, backend, judge, every, latestOnly, thresholds, replaceThresholds: thresholds !== undefined, files: false });
        if (!settings) throw new Error("a run not probed yet needs suites (and a backend) to be probed");
      } catch (err) {
        throw inputProblem(err);
      }
      // What the new suites add is probed on checkpoints already probed; nothing else is asked again.
      if (settings && JSON.stringify(settings.suites) !== before) this.store.probes.requeueProbed(runId, false);
      await this.restartWatch(runId);
      return this.runView(this.store.runs.getRun(runId)!);
    },
    removeRun: async ({ runId, deleteData, dryRun }) => {
      const run = this.requireRun(runId);
      const stored = this.store.runs.storedCounts(runId);
      if (!dryRun) {
        this.requireWritable();
        // Its watch loop stops first, so nothing is written for it after it goes.
        const loop = this.loops.get(runId);
        loop?.controller.abort();
        await loop?.done;
        this.store.runs.removeRun(runId, deleteData ?? false);
      }
      return { runId, name: run.name, path: run.path, deleted: deleteData ?? false, removed: !dryRun, stored };
    },
    setRunHidden: async ({ runId, hidden }) => {
      this.requireRun(runId);
      this.store.runs.setRunHidden(runId, hidden);
      return this.runView(this.store.runs.getRun(runId)!);
    },
    startDemo: async ({ experiment }) => {
      if (this.demo) throw new ApiError("bad-request", "the demo run is already running");
      if (experiment) {
        // The miniature experiment, written at once and probed by the watch loops, so its view fills in within a minute.
        const written = await this.writeDemoExperiment({ dir: join(this.options.demoDir, `experiment-${new Date().toISOString().replace(/[:.]/g, "-")}`), steps: 200, saveEvery: 100 });
        for (const r of written.runs) this.watchLoop(r.id);
      }
      const dir = join(this.options.demoDir, `demo-${new Date().toISOString().replace(/[:.]/g, "-")}`);
      this.demo = new AbortController();
      const demo = this.demo;
      const runs: RunView[] = [];
      // The folders must exist before the runs are registered; the first checkpoint follows within seconds.
      const writing = runDemo({ dir, variants: [...DEMO_VARIANTS], pace: "live", steps: 200, saveEvery: 20, signal: demo.signal, checkpointIntervalMs: 2500 });
      for (let i = 0; i < 50 && !existsSync(join(dir, DEMO_VARIANTS[1])); i++) await new Promise((r) => setTimeout(r, 20));
      for (const variant of DEMO_VARIANTS) {
        let name = `demo-${variant}`;
        for (let i = 2; this.store.runs.findRun(name); i++) name = `demo-${variant}-${i}`;
        // Each variant is its own group, so a second demo (or more seeds) shows a group mean per variant.
        const run = this.store.runs.registerRun({ path: await realpath(join(dir, variant)), name, group: `demo ${variant} (miniature)` });
        await configureProbing(this.store, run.id, { suites: ["inoculation"], backend: "demo" });
        this.watchLoop(run.id);
        runs.push(this.runView(this.store.runs.getRun(run.id)!));
      }
      writing
        .catch((err: Error) => {
          for (const r of runs) this.store.runs.setRunStatus(r.id, "error", `the demo run stopped: ${err.message}`);
        })
        .finally(() => {
          if (this.demo === demo) this.demo = null;
        });
      return runs;
    },
    listCheckpoints: async ({ runId }) => this.store.runs.listCheckpoints(this.requireListed(runId).id).map(({ id, runId, step, path, kind, state, detectedAt, completedAt, probedAt }) => ({ id, runId, step, path, kind, state, detectedAt, completedAt, probedAt })),
    // Batched over runs: the drift view asks once for every visible run instead of once per run.
    metricKeys: async ({ runIds }) => [...new Set(runIds.flatMap((id) => this.store.metrics.metricKeys(this.requireListed(id).id)))].sort(),
    getMetrics: async ({ runIds, keys, step }) => runIds.map((runId) => (this.requireListed(runId), { runId, points: keys.flatMap((k) => this.store.metrics.listMetrics(runId, k, step)) })),
    getMetricSeries: async ({ runIds, keys, ...req }) => runIds.flatMap((runId) => (this.requireListed(runId), keys.map((k) => metricSeries(runId, k, this.metricCache.get(runId, k), req)))),
    listTraits: async ({ runIds }) =>
      runTraits(this.store, runIds).map(({ trait: t, contexts }): TraitInfo => ({ trait: t.id, name: t.name, polarity: t.polarity, role: t.role, unit: t.unit, contexts })),
    getScores: async ({ runId, trait, context }) => this.store.probes.listScores(this.requireListed(runId).id, trait, context),
    getDriftSeries: async ({ runIds, traits, contexts, times, columns, range, smoothing }) => {
      const runs = runIds.map((id) => this.requireListed(id));
      const full = this.scoreCache.get(runIds, times ?? false, { traits, contexts });
      return driftSeries(full, runs, { times, columns, range, smoothing });
    },
    getGroupBands: async ({ runIds, trait, context, steps }) => {
      for (const id of runIds) this.requireListed(id);
      return this.bandCache.get(runIds, { trait, context, steps });
    },
    getSamples: async ({ runId, step, trait }) => this.store.probes.listSamples(this.requireListed(runId).id, step, trait),
    getRolloutSeries: async ({ runIds, trait }) => this.store.rollouts.aggregates(runIds.map((id) => this.requireListed(id).id), trait),
    getRolloutSamples: async ({ runId, step, trait, sort, limit, offset }) => {
      const id = this.requireListed(runId).id;
      return { total: this.store.rollouts.countStep(id, step), rows: this.store.rollouts.samples(id, step, { trait, sort, limit: limit ?? 100, offset }) };
    },
    getRolloutHistogram: async ({ runId, trait, bins }) => {
      const id = this.requireListed(runId).id;
      const scorer = this.store.rollouts.aggregates([id], trait)[0]?.scorer;
      if (!scorer) return { trait, lo: 0, hi: 1, bins: bins ?? 20, cells: [] };
      // A 0-100 judge's scores are binned over 0-100, everything else over 0-1.
      const hi = this.rolloutScale(id, trait);
      return { trait, lo: 0, hi, bins: bins ?? 20, cells: this.store.rollouts.histogram(id, trait, scorer, 0, hi, bins ?? 20) };
    },
    listAnnotations: async ({ runIds }) => runIds.flatMap((id) => this.store.annotations.listAnnotations(this.requireListed(id).id)),
    createAnnotation: async (a) => {
      this.requireListed(a.runId);
      return this.store.annotations.createAnnotation(a);
    },
    updateAnnotation: async ({ id, ...patch }) => {
      if (!this.store.annotations.getAnnotation(id)) throw new ApiError("not-found", `no annotation with id ${id}`);
      return this.store.annotations.updateAnnotation(id, patch);
    },
    deleteAnnotation: async ({ id }) => ({ deleted: this.store.annotations.deleteAnnotation(id) }),
    listJobs: async ({ runId }) => this.store.probes.listJobs(runId),
    setJobState: async ({ jobId, action }) => {
      const r = this.store.probes.controlJob(jobId, action);
      if (r) this.publish({ type: "job-progress", job: r });
      if (r && action !== "pause") this.watchLoop(r.runId);
      return r;
    },
    listSuites: async () => listAllSuites(this.store.probes),
    validateSuite: async ({ name, text }) => {
      try {
        const loaded = await parseSuiteOffThread(name, text);
        return { valid: true as const, id: loaded.suite.id, version: loaded.version, traits: loaded.suite.traits.map((t) => t.id) };
      } catch (err) {
        if (!(err instanceof SuiteError)) throw err;
        return { valid: false as const, problems: err.problems.map(({ line, column, at, message }) => ({ line, column, at, message })) };
      }
    },
    importSuite: async ({ path, format }) => {
      try {
        const loaded = format === "suite" ? await loadSuiteFile(path) : await importSuiteFile(path, format);
        const saved = this.store.probes.saveSuite(loaded, path);
        return { id: saved.key, version: saved.version, name: saved.suite.name, traits: saved.suite.traits.map((t) => t.id), where: path };
      } catch (err) {
        throw new ApiError("bad-request", (err as Error).message);
      }
    },
    getExportData: async ({ spec }) => this.exportData(spec),
    renderExport: async ({ spec, format, fileName }) => {
      const { bytes, manifest } = await renderExport(spec, this.exportData(spec), format, fileName);
      return { fileName, format, mimeType: MIME_TYPES[format], base64: bytes.toString("base64"), manifest };
    },
    testBackend: async ({ config }) => {
      let parsed;
      try {
        parsed = config.kind === "demo" ? DEMO_BACKEND : parseBackendConfig(config, "backend settings");
      } catch (err) {
        return { reachable: false, models: [], honoursN: false, maxTopLogprobs: 0, notes: [], error: (err as Error).message, refused: null, verdict: "fix the settings", warnings: [] };
      }
      const backend = createBackend(parsed);
      const judged = (outcome: CheckOutcome) => backendVerdict(parsed.kind, outcome, { checkpoint: false });
      try {
        if (parsed.kind === "serve-command") {
          const error = "a serve-command backend starts its server per checkpoint; test it on one with driftscope doctor --backend NAME --checkpoint PATH";
          const { verdict, warnings } = judged({ reachable: false, error });
          return { reachable: false, models: [], honoursN: false, maxTopLogprobs: 0, notes: [], error, refused: null, verdict, warnings };
        }
        const caps = await backend.detect(null);
        const { verdict, warnings } = judged({ reachable: true, caps });
        return { reachable: true, ...caps, error: null, refused: caps.refused ?? null, verdict, warnings };
      } catch (err) {
        const error = (err as Error).message;
        const { verdict, warnings } = judged({ reachable: false, error });
        return { reachable: false, models: [], honoursN: false, maxTopLogprobs: 0, notes: [], error, refused: null, verdict, warnings };
      } finally {
        await backend.close();
      }
    },
    listAlertRules: async () => this.store.alerts.listRules(),
    createAlertRule: async ({ target, subject, condition }) => {
      if (target.kind === "run") this.requireRun(target.runId);
      checkRule(subject, condition);
      return this.ruleAdded(this.store.alerts.addRule({ target, subject, condition, exec: null, execTimeoutMs: 30_000 }));
    },
    updateAlertRule: async ({ id, target, subject, condition }) => {
      if (target.kind === "run") this.requireRun(target.runId);
      checkRule(subject, condition);
      const rule = this.store.alerts.updateRule(id, { target, subject, condition });
      if (!rule) throw new ApiError("not-found", `no alert rule with id ${id}`);
      return this.ruleAdded(rule);
    },
    deleteAlertRule: async ({ id }) => ({ deleted: this.store.alerts.removeRule(id) }),
    listFiredAlerts: async ({ runId }) => this.store.alerts.listFired(runId === undefined ? undefined : this.requireListed(runId).id),
    listExperiments: async () => this.listExperiments(),
    createExperiment: async ({ name, control, groups, tags, reference }) => this.createExperiment({ name, control, groups, tags, reference: reference === undefined ? undefined : String(this.requireListed(reference).id) }),
    getEffects: async ({ experiment, at, gaps, traits, contexts }) => this.experimentEffects({ experiment, at, gaps, traits, contexts }),
    renderExperimentExport: async (request) => {
      const { bytes, manifest, format, mimeType } = await this.exportExperimentView(request);
      return { fileName: request.fileName, format, mimeType, base64: bytes.toString("base64"), manifest };
    },
    listBackendKinds: async () => describeBackendKinds(),
    listBackends: async () => this.storedBackends(),
    saveBackend: async ({ config }) => {
      let parsed: BackendConfig;
      try {
        parsed = parseBackendConfig(config, "backend settings");
      } catch (err) {
        throw new ApiError("bad-request", (err as Error).message);
      }
      this.store.settings.saveBackend(parsed);
      return parsed;
    },
    deleteBackend: async ({ name }) => {
      this.requireWritable();
      // Runs hold a copy of the settings they were set up with: they are named, and keep probing with that copy.
      const runs = this.store.runs.listRuns().filter((r) => {
        try {
          const s = this.store.runs.getProbeSettings(r.id);
          return s !== null && (s.backend.name === name || s.judge?.name === name);
        } catch {
          return false; // unreadable settings are reported where the run is probed, not here
        }
      });
      return { deleted: this.store.settings.deleteBackend(name), runs: runs.map((r) => r.name) };
    },
    completeFolder: async ({ prefix }) => completeFolder(prefix),
  };
}

/** Health conditions go with the health subject; the null share only with a trait's scores. */
function checkRule(subject: AlertSubject, condition: AlertCondition): void {
  const health = condition.kind === "stalled" || condition.kind === "probe-failures";
  if (health !== (subject.kind === "health")) throw new ApiError("bad-request", health ? `"${condition.kind}" is a run-health rule: it takes no trait or metric` : `"${condition.kind}" needs a trait or a metric to watch`);
  if (condition.kind === "null-rate" && subject.kind !== "trait") throw new ApiError("bad-request", "a null-rate rule watches a trait's scores");
  if ("ci" in condition && condition.ci && subject.kind === "rollout" && subject.measure !== "mean" && subject.measure !== "rewardCorr") throw new ApiError("bad-request", `the rollouts' ${subject.measure} has no interval: drop the 95% interval option`);
  if ("ci" in condition && condition.ci && subject.kind === "metric") throw new ApiError("bad-request", "training metrics have no interval: drop the 95% interval option for a metric rule");
}

/** Errors from below become the contract's: bad input reads the same in the CLI and the app. */
function asApiError(err: unknown, code: "bad-request" | "failed" = "failed"): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as Error & { name?: string };
  // Input the user gave (a file, a flag, a setting) that is wrong is a bad request, whatever the caller guessed.
  const bad = e?.name === "InputError" || e?.name === "SuiteError" || code === "bad-request";
  return new ApiError(bad ? "bad-request" : "failed", e?.message ?? String(err));
}

/**
 * For the use-case methods: a problem with a file the user named keeps its own error (it names the file and line,
 * and the CLI reports it as such); any other refusal of what the user asked for becomes a bad request.
 */
function inputProblem(err: unknown): Error {
  const e = err as Error;
  if (e instanceof ApiError || e?.name === "InputError" || e?.name === "SuiteError" || e?.name === "DatabaseOpenError") return e;
  return new ApiError("bad-request", e?.message ?? String(err));
}
