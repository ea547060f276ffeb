// A statistics worker (see effectsPool.ts): one trait's effects per message, read through a read-only connection to
// the workspace that stays open between messages.
import Database from "better-sqlite3";
import { parentPort } from "node:worker_threads";
import { ExperimentStore, type ItemScore } from "../store/experimentStore.js";
import type { RunRecord } from "../store/runStore.js";
import { traitEffects, type TraitJob } from "./traitEffects.js";

// A small experiment first, while the core is still planning: the engine optimises the code a trait runs through on
// it (the item means, the bootstrap's loops, the rows), so the first real trait does not run unoptimised at full size.
function warmUp(): void {
  const scores: ItemScore[] = [];
  const byCondition = new Map<string, RunRecord[]>();
  for (let c = 0; c < 4; c++) {
    const runs: RunRecord[] = [];
    for (let r = 0; r < 3; r++) {
      const runId = c * 3 + r;
      runs.push({ id: runId, name: `r${runId}`, seed: r } as RunRecord);
      for (const context of ["a", "b"]) for (let i = 0; i < 20; i++) scores.push({ runId, step: 1, context, item: `i${i}`, mean: ((i * 7 + r * 3 + c) % 10) / 10, n: 1 });
    }
    byCondition.set(`c${c}`, runs);
  }
  const fake = { itemScores: () => new Map([["t", scores]]) } as unknown as ExperimentStore;
  traitEffects(fake, { trait: "t", steps: new Map(), at: { kind: "final" }, names: [...byCondition.keys()], byCondition, control: "c0", interactions: [] });
}
warmUp();

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
