// The core's facade: the only module the doors (main/cli, main/electron, main/server) may import from main/core.
// One function opens a workspace; everything else is a method of the Core it returns.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { Core, type CoreOptions } from "./core.js";
import { defaultDatabasePath } from "./paths/dataDir.js";

export { Core };
export { listBackups } from "./core.js";
export { restoreWorkspace } from "./store/restore.js";
export type { AlertRuleRequest, CoreOptions, DoctorReport, Handle, ProbeRequest, WatchOptions, WatchRequest, WatchResult } from "./core.js";
export { DatabaseOpenError } from "./store/database.js";
export { InputError } from "./util/readText.js";
// The demo writes files only (no workspace), so it is a function rather than a Core method.
export { DEMO_VARIANTS, runDemo, type DemoVariant } from "./demo/demoRun.js";
export { IMPORT_FORMATS, type ImportFormat } from "./probes/importers/index.js";
export { parseVariable } from "./probes/runVariables.js";
export { waitForFolder } from "./runs/waitForFolder.js";
export type { ProbeOutcome } from "./schedule/prober.js";
export type { EffectRow, EffectsResult, GapRow, InteractionRow } from "./experiments/effects.js";
export { defaultDatabasePath };

export interface OpenWorkspaceOptions extends Partial<Omit<CoreOptions, "dbPath">> {
  /** The database file; default: $DRIFTSCOPE_DB, else the app's data folder. */
  db?: string;
}

/** Opens (creating if needed) the workspace database and returns the Core over it. */
export function openWorkspace(options: OpenWorkspaceOptions = {}): Core {
  const dbPath = defaultDatabasePath(options.db);
  mkdirSync(dirname(dbPath), { recursive: true });
  return new Core({ transport: "cli", demoDir: join(dirname(dbPath), "demo-runs"), ...options, dbPath });
}
