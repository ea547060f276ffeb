// A statistics worker (see effectsPool.ts): one trait's effects per message, read through a read-only connection to
// the workspace that stays open between messages.
import Database from "better-sqlite3";
import { parentPort } from "node:worker_threads";
import { ExperimentStore } from "../store/experimentStore.js";
import { experimentStatistics, type ConditionData } from "./bootstrap.js";
import { traitEffects, type TraitJob } from "./traitEffects.js";

// A small experiment first, while the core is still planning: the engine optimises the bootstrap's loops on it, so
// the first real trait does not run them unoptimised at full size (that made a cold request half again as slow).
const items = Array.from({ length: 20 }, (_, i) => `i${i}`);
const warmUp: ConditionData[] = Array.from({ length: 3 }, (_, c) => ({
  name: `c${c}`,
  runs: Array.from({ length: 3 }, (_, r) => ({ runId: c * 3 + r, contexts: new Map(["a", "b"].map((ctx) => [ctx, new Map(items.map((item, i) => [item, ((i * 7 + r * 3 + c) % 10) / 10]))])) })),
}));
experimentStatistics(warmUp, "c0", items, ["a", "b"]);

let open: { path: string; db: Database.Database; experiments: ExperimentStore } | null = null;

function experimentsAt(path: string): ExperimentStore {
  if (open?.path !== path) {
    open?.db.close();
    const db = new Database(path, { readonly: true, fileMustExist: true });
    open = { path, db, experiments: new ExperimentStore(db) };
  }
  return open.experiments;
}

parentPort!.on("message", ({ id, path, job }: { id: number; path: string; job: TraitJob }) => {
  try {
    parentPort!.postMessage({ id, ok: true, result: traitEffects(experimentsAt(path), job) });
  } catch (err) {
    parentPort!.postMessage({ id, ok: false, message: (err as Error).message });
  }
});
