// Experiment effects at the scale: 20 conditions x 5 seeds x 20 traits x 8 contexts x 200 checkpoints, 20
// items per trait, 2,000 bootstrap replicates, at each run's final checkpoint. The baseline is one SQL pass over the
// same scores: the per-run, per-trait, per-context mean of the same sample rows, with no interval. Cold is the first
// call on a freshly opened workspace (page cache warm, statements and JIT cold); warm repeats it.
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_BACKEND } from "../../main/core/backends/index.js";
import { computeEffects } from "../../main/core/experiments/effects.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { Store } from "../../main/core/store/store.js";
import { measure, type Figure } from "./harness.js";

const CONDITIONS = 20;
const SEEDS = 5;
const TRAITS = 20;
const CONTEXTS = 8;
const CHECKPOINTS = 200;
const ITEMS = 20;

export function buildWorkspace(path: string): void {
  const store = Store.open(path);
  const contexts = Array.from({ length: CONTEXTS }, (_, c) => `      - { id: ctx${c}, role: neutral, system: "prompt ${c}" }`).join("\n");
  const items = Array.from({ length: ITEMS }, (_, i) => `{ id: i${i}, prompt: "question ${i}" }`).join(", ");
  const traits = Array.from({ length: TRAITS }, (_, t) => `  - id: trait${t}\n    name: Trait ${t}\n    polarity: higher_is_trait\n    role: ${["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution"][t % 3]}\n    items: [${items}]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`).join("");
  const suite = store.probes.saveSuite(parseSuite("bench.yaml", `id: bench\nname: Bench\ndefaults:\n  contexts:\n${contexts}\ntraits:\n${traits}`), null);
  const score = store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'x')`);
  const sample = store.db.prepare(`INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, created_at) VALUES (?, ?, ?, ?, 0, 'q', 'a', ?, 'x')`);
  for (let g = 0; g < CONDITIONS; g++) {
    for (let seed = 0; seed < SEEDS; seed++) {
      const run = store.runs.registerRun({ path: `/bench/c${g}-s${seed}`, group: `condition${g}`, seed });
      store.runs.setProbeSettings(run.id, { suites: [{ key: suite.key, version: suite.version }], backend: DEMO_BACKEND, judge: null, every: 1, latestOnly: false, thresholds: {} });
      store.db.transaction(() => {
        for (let c = 1; c <= CHECKPOINTS; c++) store.runs.markComplete(run.id, { step: c * 10, path: `/bench/c${g}-s${seed}/checkpoint-${c * 10}`, kind: "lora" }, "fp", []);
      })();
      const cps = store.runs.listCheckpoints(run.id);
      const last = cps[cps.length - 1]!;
      store.db.transaction(() => {
        for (const cp of cps) {
          for (const t of suite.traits) {
            for (const x of t.contexts) {
              // Item scores in [0, 1] that depend on condition, seed, item and context: every cell differs.
              const itemScore = (i: number) => 0.5 + 0.45 * Math.sin(g * 0.7 + seed * 0.3 + i * 1.3 + x.id * 0.11 + t.id * 0.05 + cp.step / 900);
              if (cp.id === last.id) for (let i = 0; i < ITEMS; i++) sample.run(cp.id, t.id, x.id, `i${i}`, itemScore(i));
              let m = 0;
              for (let i = 0; i < ITEMS; i++) m += itemScore(i) / ITEMS;
              score.run(cp.id, t.id, x.id, m, m - 0.05, m + 0.05, ITEMS);
            }
          }
        }
      })();
    }
  }
  store.close();
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
    const coldOnce = () => {
      const store = Store.open(db);
      try {
        cells = computeEffects(store, request).rows.length;
      } finally {
        store.close();
      }
    };
    const coldBaselineOnce = () => {
      const store = Store.open(db);
      try {
        store.db.prepare(baselineSql).all();
      } finally {
        store.close();
      }
    };
    const cold = await measure(3, coldOnce);
    const coldBase = await measure(3, coldBaselineOnce);
    const store = Store.open(db);
    try {
      const warm = await measure(5, () => computeEffects(store, request));
      const warmBase = await measure(5, () => store.db.prepare(baselineSql).all());
      const scale = `${CONDITIONS} conditions x ${SEEDS} seeds x ${TRAITS} traits x ${CONTEXTS} contexts x ${CHECKPOINTS} checkpoints, ${ITEMS} items, 2000 replicates (${cells} cells)`;
      return [
        { name: `effects at the final checkpoint, cold, ${scale}`, ms: cold.median, p95: cold.p95, baselineName: "one SQL pass over the same sample rows (means only), cold", baselineMs: coldBase.median, target: { text: "under 1 s", met: cold.median < 1000 } },
        { name: `effects at the final checkpoint, warm, ${scale}`, ms: warm.median, p95: warm.p95, baselineName: "the same SQL pass, warm", baselineMs: warmBase.median, target: { text: "under 1 s", met: warm.median < 1000 } },
      ];
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
