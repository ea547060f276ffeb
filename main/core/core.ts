// The core: one object behind every transport (Electron IPC, the HTTP server, tests). It owns the workspace, keeps
// a watch-and-probe loop running for every watched run, and answers the calls of the contract in shared/api.ts.
// Nothing here imports electron.
import { realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Annotation, ApiArgs, ApiMethod, ApiResults, RunView, SampleView, ScorePoint, TraitInfo } from "../../shared/api.js";
import { ApiError, validateArgs } from "../../shared/api.js";
import type { CoreEvent, CoreEventListener } from "../../shared/events.js";
import { createBackend, DEMO_BACKEND, parseBackendConfig } from "./backends/index.js";
import { DEMO_VARIANTS, runDemo } from "./demo/demoRun.js";
import { listAllSuites } from "./probes/builtins.js";
import { runTraits } from "./probes/runTraits.js";
import { appVersion } from "./paths/appVersion.js";
import { ExportDataError, loadExportData } from "./export/exportData.js";
import { renderExport } from "./export/renderExport.js";
import { MIME_TYPES, type ChartSpec } from "../../shared/chart/exportSpec.js";
import { configureProbing } from "./probes/probeConfig.js";
import { importSuiteFile } from "./probes/importers/index.js";
import { loadSuiteFile, parseSuite, SuiteError } from "./probes/suiteLoader.js";
import { watchAndProbe } from "./schedule/liveRun.js";
import { ProbeStore } from "./store/probeStore.js";
import { ScoreSeriesCache } from "./store/scoreSeriesCache.js";
import { Store, type RunRecord } from "./store/store.js";

export interface CoreOptions {
  dbPath: string;
  /** Where "start the demo run" writes its runs. */
  demoDir: string;
  intervalMs?: number;
  quietPeriodMs?: number;
  transport: "electron" | "http";
}

type Handlers = { [K in ApiMethod]: (args: ApiArgs[K]) => Promise<ApiResults[K]> };

export class Core {
  readonly store: Store;
  readonly probes: ProbeStore;
  private readonly scoreCache: ScoreSeriesCache;
  private readonly loops = new Map<number, { controller: AbortController; done: Promise<unknown> }>();
  private readonly listeners = new Set<CoreEventListener>();
  private demo: AbortController | null = null;
  private closed = false;

  constructor(readonly options: CoreOptions) {
    this.store = Store.open(options.dbPath);
    this.probes = new ProbeStore(this.store);
    this.scoreCache = new ScoreSeriesCache(this.probes);
    this.probes.resumeInterrupted();
    this.store.onEvent((e) => this.publish(e));
  }

  /** Resumes watching every run that was being watched when the app last closed. */
  start(): void {
    for (const run of this.store.listRuns()) if (run.status === "watching" || run.status === "error") this.watch(run.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.demo?.abort();
    for (const loop of this.loops.values()) loop.controller.abort();
    await Promise.allSettled([...this.loops.values()].map((l) => l.done));
    this.store.close();
  }

  onEvent(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(event: CoreEvent): void {
    for (const l of this.listeners) l(event);
  }

  private exportData(spec: ChartSpec) {
    try {
      return loadExportData(this.store, this.probes, spec, appVersion());
    } catch (err) {
      if (err instanceof ExportDataError) throw new ApiError("bad-request", err.message);
      throw err;
    }
  }

  private watch(runId: number): void {
    if (this.loops.has(runId) || this.closed) return;
    const controller = new AbortController();
    const done = watchAndProbe(this.store, this.probes, runId, {
      signal: controller.signal,
      intervalMs: this.options.intervalMs,
      quietPeriodMs: this.options.quietPeriodMs,
    })
      .catch((err: Error) => this.store.setRunStatus(runId, "error", err.message))
      .finally(() => this.loops.delete(runId));
    this.loops.set(runId, { controller, done });
  }

  /** Validates the argument against the contract, then runs the call. Transports call only this. */
  async call<K extends ApiMethod>(method: K, args: unknown): Promise<ApiResults[K]> {
    const valid = validateArgs(method, args) as ApiArgs[K];
    const handler = this.handlers[method] as (a: ApiArgs[K]) => Promise<ApiResults[K]>;
    try {
      return await handler(valid);
    } catch (err) {
      if (err instanceof ApiError) throw err;
      throw new ApiError("failed", (err as Error).message);
    }
  }

  private runView(run: RunRecord): RunView {
    return { ...run, probe: this.probes.runProgress(run.id) };
  }

  private requireRun(runId: number): RunRecord {
    const run = this.store.getRun(runId);
    if (!run) throw new ApiError("not-found", `no run with id ${runId}`);
    return run;
  }

  private readonly handlers: Handlers = {
    getInfo: async () => ({ version: appVersion(), transport: this.options.transport, dataPath: this.options.dbPath }),
    listRuns: async () => this.store.listRuns().map((r) => this.runView(r)),
    addRun: async ({ path, name, group }) => {
      const s = await stat(path).catch(() => null);
      if (!s) throw new ApiError("bad-request", `${path}: no such folder`);
      if (!s.isDirectory()) throw new ApiError("bad-request", `${path}: is not a folder`);
      const run = this.store.registerRun({ path: await realpath(path), name, group });
      this.watch(run.id);
      return this.runView(this.store.getRun(run.id)!);
    },
    setRunHidden: async ({ runId, hidden }) => {
      this.requireRun(runId);
      this.store.setRunHidden(runId, hidden);
      return this.runView(this.store.getRun(runId)!);
    },
    startDemo: async () => {
      if (this.demo) throw new ApiError("bad-request", "the demo run is already running");
      const dir = join(this.options.demoDir, `demo-${new Date().toISOString().replace(/[:.]/g, "-")}`);
      this.demo = new AbortController();
      const demo = this.demo;
      const runs: RunView[] = [];
      // The folders must exist before the runs are registered; the first checkpoint follows within seconds.
      const writing = runDemo({ dir, variants: [...DEMO_VARIANTS], pace: "live", steps: 200, saveEvery: 20, signal: demo.signal, checkpointIntervalMs: 2500 });
      for (let i = 0; i < 50 && !(await stat(join(dir, DEMO_VARIANTS[1])).catch(() => null)); i++) await new Promise((r) => setTimeout(r, 20));
      for (const variant of DEMO_VARIANTS) {
        let name = `demo-${variant}`;
        for (let i = 2; this.store.findRun(name); i++) name = `demo-${variant}-${i}`;
        // Each variant is its own group, so a second demo (or more seeds) shows a group mean per variant.
        const run = this.store.registerRun({ path: await realpath(join(dir, variant)), name, group: `demo ${variant} (miniature)` });
        await configureProbing(this.store, this.probes, run.id, { suites: ["inoculation"], backend: "demo" });
        this.watch(run.id);
        runs.push(this.runView(this.store.getRun(run.id)!));
      }
      writing
        .catch((err: Error) => {
          for (const r of runs) this.store.setRunStatus(r.id, "error", `the demo run stopped: ${err.message}`);
        })
        .finally(() => {
          if (this.demo === demo) this.demo = null;
        });
      return runs;
    },
    listCheckpoints: async ({ runId }) => this.store.listCheckpoints(this.requireRun(runId).id).map(({ id, runId, step, path, kind, state, detectedAt, completedAt, probedAt }) => ({ id, runId, step, path, kind, state, detectedAt, completedAt, probedAt })),
    // Batched over runs: the drift view asks once for every visible run instead of once per run.
    metricKeys: async ({ runIds }) => [...new Set(runIds.flatMap((id) => this.store.metricKeys(this.requireRun(id).id)))].sort(),
    getMetrics: async ({ runIds, keys }) => runIds.map((runId) => (this.requireRun(runId), { runId, points: keys.flatMap((k) => this.store.listMetrics(runId, k)) })),
    listTraits: async ({ runIds }) =>
      runTraits(this.store, this.probes, runIds).map(({ trait: t, contexts }): TraitInfo => ({ trait: t.id, name: t.name, polarity: t.polarity, role: t.role, unit: t.unit, contexts })),
    getScores: async ({ runId, trait, context }) => {
      const completed = new Map(this.store.listCheckpoints(this.requireRun(runId).id).map((c) => [c.step, c.completedAt]));
      return this.probes.listScores(runId, trait, context).map((s): ScorePoint => ({ ...s, completedAt: completed.get(s.step) ?? null }));
    },
    getScoreSeries: async ({ runIds, trait, context, times }) => {
      for (const id of runIds) this.requireRun(id);
      if (trait !== undefined || context !== undefined) return this.probes.scoreSeries(runIds, trait, context, times ?? false);
      return this.scoreCache.get(runIds, times ?? false);
    },
    getSamples: async ({ runId, step, trait }) => {
      this.requireRun(runId);
      return this.probes.listSamplesDetailed(runId, step, trait) satisfies SampleView[];
    },
    listAnnotations: async ({ runIds }) => runIds.flatMap((id) => this.store.listAnnotations(this.requireRun(id).id)),
    createAnnotation: async (a) => {
      this.requireRun(a.runId);
      return this.store.createAnnotation(a) satisfies Annotation;
    },
    updateAnnotation: async ({ id, ...patch }) => {
      if (!this.store.getAnnotation(id)) throw new ApiError("not-found", `no annotation with id ${id}`);
      return this.store.updateAnnotation(id, patch);
    },
    deleteAnnotation: async ({ id }) => ({ deleted: this.store.deleteAnnotation(id) }),
    listJobs: async ({ runId }) => this.probes.listJobs(runId),
    setJobState: async ({ jobId, action }) => {
      const r = this.probes.controlJob(jobId, action);
      if (r) this.publish({ type: "job-progress", job: r });
      if (r && action !== "pause") this.watch(r.runId);
      return r;
    },
    listSuites: async () => listAllSuites(this.probes),
    validateSuite: async ({ name, text }) => {
      try {
        const loaded = parseSuite(name, text);
        return { valid: true as const, id: loaded.suite.id, version: loaded.version, traits: loaded.suite.traits.map((t) => t.id) };
      } catch (err) {
        if (!(err instanceof SuiteError)) throw err;
        return { valid: false as const, problems: err.problems.map(({ line, column, at, message }) => ({ line, column, at, message })) };
      }
    },
    importSuite: async ({ path, format }) => {
      try {
        const loaded = format === "suite" ? await loadSuiteFile(path) : await importSuiteFile(path, format);
        const saved = this.probes.saveSuite(loaded, path);
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
        return { reachable: false, models: [], honoursN: false, maxTopLogprobs: 0, notes: [], error: (err as Error).message };
      }
      const backend = createBackend(parsed);
      try {
        const caps = await backend.detect(null);
        return { reachable: true, ...caps, error: null };
      } catch (err) {
        return { reachable: false, models: [], honoursN: false, maxTopLogprobs: 0, notes: [], error: (err as Error).message };
      } finally {
        await backend.close();
      }
    },
  };
}
