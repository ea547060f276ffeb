// A run's probing settings: which suites (key and version), which backend and judge, which checkpoints.
// Resolved from what the user names (a built-in id, a suite file, a stored suite; a backend file or "demo").
import { existsSync } from "node:fs";
import { createBackend, DEMO_BACKEND, parseBackendConfig, resolveBackendConfig, type BackendConfig } from "../backends/index.js";
import { storedBackendConfig } from "../backends/registry.js";
import type { ProbeStore, SavedSuite } from "../store/probeStore.js";
import type { RunSettings } from "../store/runSettings.js";
import type { Store } from "../store/store.js";
import { loadBuiltinSuite } from "./builtins.js";
import { InputError } from "../util/inputError.js";
import { loadSuiteFile, type LoadedSuite } from "./suiteLoader.js";
import type { ProbePlan } from "../schedule/prober.js";
import type { QueuePolicy } from "../schedule/queue.js";

/** The typed settings a run is probed with (see store/runSettings.ts). */
export type ProbeConfig = RunSettings;

/**
 * How a reference is resolved. The command line may name files; the app does not (`files: false`): a page must not
 * make the core read a file by its name, nor pick up a file that happens to share a name with a suite or backend.
 */
export interface RefOptions {
  files?: boolean;
}

/** A suite named by a built-in id or key[@version] in the workspace, read without saving anything; null if neither. */
export async function namedSuite(probes: ProbeStore, ref: string): Promise<{ builtin: LoadedSuite; key: string } | { stored: SavedSuite } | null> {
  const [key, version] = ref.split("@") as [string, string | undefined];
  const builtin = version ? null : await loadBuiltinSuite(key);
  if (builtin) return { builtin, key };
  const stored = probes.findSuite(key, version);
  return stored ? { stored } : null;
}

/** Refuses a suite reference that looks like a path where only names are taken. */
export function refuseSuitePath(ref: string): void {
  if (/[/\\]/.test(ref)) throw new Error(`suite "${ref}": name a built-in suite or one in the workspace, not a file (import a file in Settings first)`);
}

/** A suite named on the command line (a file, a built-in id, or a suite already in the workspace: key or key@version),
 * or by the app (no files). */
export async function resolveSuite(probes: ProbeStore, ref: string, { files = true }: RefOptions = {}): Promise<SavedSuite> {
  if (!files) refuseSuitePath(ref);
  else if (existsSync(ref)) return probes.saveSuite(await loadSuiteFile(ref), ref);
  const named = await namedSuite(probes, ref);
  if (named && "builtin" in named) return probes.saveSuite(named.builtin, `built-in:${named.key}`);
  if (named) return named.stored;
  throw new Error(files ? `suite "${ref}" is not a file, a built-in suite (driftscope suites list) or a suite in this workspace` : `suite "${ref}" is neither a built-in suite nor one in this workspace`);
}

export interface ProbeArgs {
  suites?: string[];
  backend?: string;
  /** A backend's name, or null for no judge (absent: as stored). */
  judge?: string | null;
  every?: number;
  latestOnly?: boolean;
  thresholds?: Record<string, number>;
  /** The thresholds given replace the run's (the app's form lists them all), rather than being merged in. */
  replaceThresholds?: boolean;
  /** False where suites and backends are named by the app: names only, never files. */
  files?: boolean;
}

/**
 * A backend named on the command line: a file (whose config is then remembered under its name) or the name of one
 * stored earlier, or "demo"; by the app, only a stored name or "demo".
 */
export async function resolveNamedBackend(store: Store, ref: string, { files = true }: RefOptions = {}): Promise<BackendConfig> {
  const stored = (name: string) => {
    const raw = store.settings.getBackend(name);
    return raw ? parseBackendConfig(storedBackendConfig(raw), `stored backend "${name}"`) : undefined;
  };
  if (!files) {
    const config = ref === "demo" ? DEMO_BACKEND : stored(ref);
    if (!config) throw new InputError(`backend "${ref}"`, "no backend of that name is stored (add one in Settings)");
    return config;
  }
  const config = await resolveBackendConfig(ref, stored);
  if (existsSync(ref)) store.settings.saveBackend(config);
  return config;
}

/** Merges what the user gave with the run's stored settings, stores the result, and returns it. */
export async function configureProbing(store: Store, runId: number, args: ProbeArgs): Promise<ProbeConfig | null> {
  const probes = store.probes;
  const stored: Partial<ProbeConfig> = store.runs.getProbeSettings(runId) ?? {};
  const refs: RefOptions = { files: args.files ?? true };
  const suites = args.suites?.length ? await Promise.all(args.suites.map((s) => resolveSuite(probes, s, refs))) : null;
  const backend = args.backend ? await resolveNamedBackend(store, args.backend, refs) : (stored.backend ?? null);
  if (!suites && !stored.suites?.length) return null;
  if (!backend) throw new Error("probing needs a backend: --backend FILE (a YAML/JSON backend config) or --backend demo");
  let judge: BackendConfig | null = args.judge ? await resolveNamedBackend(store, args.judge, refs) : args.judge === null ? null : (stored.judge ?? null);
  if (!judge && backend.kind === "demo") judge = DEMO_BACKEND; // the demo's own judge for the miniature
  const config: ProbeConfig = {
    suites: suites ? suites.map((s) => ({ key: s.key, version: s.version })) : stored.suites!,
    backend,
    judge,
    every: args.every ?? stored.every ?? 1,
    latestOnly: args.latestOnly ?? stored.latestOnly ?? false,
    thresholds: args.replaceThresholds && args.thresholds ? args.thresholds : { ...(stored.thresholds ?? {}), ...(args.thresholds ?? {}) },
  };
  store.runs.setProbeSettings(runId, config);
  return config;
}

export function planFor(probes: ProbeStore, config: ProbeConfig, traits?: string[], run?: { name: string; variables: Record<string, string> }): { plan: ProbePlan; policy: QueuePolicy; close: () => Promise<void> } {
  const suites = config.suites.map((s) => {
    const found = probes.findSuite(s.key, s.version);
    if (!found) throw new Error(`suite ${s.key}@${s.version} is no longer in this workspace`);
    return found;
  });
  const backend = createBackend(config.backend);
  const judge = config.judge ? (config.judge.name === config.backend.name && config.judge.kind === config.backend.kind ? backend : createBackend(config.judge)) : null;
  return {
    plan: { suites, backend, judge, thresholds: config.thresholds, traits, variables: run?.variables, runName: run?.name },
    policy: { every: config.every, latestOnly: config.latestOnly },
    close: async () => {
      await backend.close();
      if (judge && judge !== backend) await judge.close();
    },
  };
}
