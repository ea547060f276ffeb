// Experiment effects at the scale: 20 conditions x 5 seeds x 20 traits x 8 contexts x 200 checkpoints, 20
// items per trait, 2,000 bootstrap replicates, at each run's final checkpoint. The baseline is one SQL pass over the
// same scores: the per-run, per-trait, per-context mean of the same sample rows, with no interval. Cold is the first
// call on a freshly opened workspace with the statistics workers not yet started (page cache warm, statements and JIT
// cold); warm repeats it on running workers. The same work on the calling thread alone is shown for comparison.
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computeEffects } from "../../main/core/experiments/effects.js";
import { EffectsPool } from "../../main/core/experiments/effectsPool.js";
import { Store } from "../../main/core/store/store.js";
import { buildExperimentDb } from "../support/experimentDb.js";
import { measure, summarise, type Figure } from "./harness.js";

const CONDITIONS = 20;
const SEEDS = 5;
const TRAITS = 20;
const CONTEXTS = 8;
const CHECKPOINTS = 200;
const ITEMS = 20;

function buildWorkspace(path: string): void {
  buildExperimentDb(path, {
    conditions: CONDITIONS,
    seeds: SEEDS,
    traits: TRAITS,
    contexts: CONTEXTS,
    checkpoints: CHECKPOINTS,
    items: ITEMS,
    sampledSteps: "final",
    // Item scores in [0, 1] that depend on condition, seed, item, context, trait and step: every cell differs.
    score: ({ condition, seed, item, context, trait, step }) => 0.5 + 0.45 * Math.sin(condition * 0.7 + seed * 0.3 + item * 1.3 + context * 0.11 + trait * 0.05 + step / 900),
  });
}

/** Each time on a store opened just before it, and with statistics workers not yet started (as in a new process). */
async function coldMeasure(times: number, db: string, fn: (store: Store, pool: EffectsPool) => unknown): Promise<{ median: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const store = Store.open(db);
    const pool = new EffectsPool();
    try {
      samples.push((await measure(1, () => fn(store, pool))).median);
    } finally {
      await pool.close();
      store.close();
    }
  }
  return summarise(samples);
}

export async function effectsBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-effects-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const db = join(dir, "w.db");
    buildWorkspace(db);
    const conditions = Array.from({ length: CONDITIONS }, (_, g) => `condition${g}`);
    const request = { control: conditions[0]!, conditions, at: { kind: "final" as const }, bootstrap: { replicates: 2000 } };
    const baselineSql = `SELECT c.run_id, t.trait_key, x.context_key, avg(s.score) AS mean, count(s.score) AS n
      FROM sample s JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id JOIN context x ON x.id = s.context_id
      WHERE s.score IS NOT NULL AND c.step = (SELECT max(step) FROM checkpoint WHERE run_id = c.run_id)
      GROUP BY c.run_id, t.trait_key, x.context_key`;
    let cells = 0;
    // Cold: the first call on a store opened just before it (opening, with its integrity check, is not timed).
    const cold = await coldMeasure(3, db, async (store, pool) => (cells = (await computeEffects(store, request, pool)).rows.length));
    const coldBase = await coldMeasure(3, db, (store) => store.db.prepare(baselineSql).all());
    const store = Store.open(db);
    const pool = new EffectsPool();
    try {
      const warm = await measure(5, () => computeEffects(store, request, pool));
      const serial = await measure(3, () => computeEffects(store, request));
      const warmBase = await measure(5, () => store.db.prepare(baselineSql).all());
      const scale = `${CONDITIONS} conditions x ${SEEDS} seeds x ${TRAITS} traits x ${CONTEXTS} contexts x ${CHECKPOINTS} checkpoints, ${ITEMS} items, 2000 replicates (${cells} cells)`;
      return [
        { name: `effects at the final checkpoint, cold, ${scale}`, ms: cold.median, p95: cold.p95, baselineName: "one SQL pass over the same sample rows (means only), cold", baselineMs: coldBase.median, target: { text: "under 1 s", met: cold.median < 1000 } },
        { name: `effects at the final checkpoint, warm, ${scale}`, ms: warm.median, p95: warm.p95, baselineName: "the same SQL pass, warm", baselineMs: warmBase.median, target: { text: "under 1 s", met: warm.median < 1000 } },
        { name: `effects at the final checkpoint, warm, on the calling thread only (no workers), ${scale}`, ms: serial.median, p95: serial.p95, baselineName: "the same SQL pass, warm", baselineMs: warmBase.median },
      ];
    } finally {
      await pool.close();
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
