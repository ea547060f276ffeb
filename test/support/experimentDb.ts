// A workspace of an experiment written straight to the store: conditions (groups) x seeds, each run's checkpoints
// with score rows for every trait and context, and per-item samples at the chosen steps, from a score function of
// (condition, seed, item, context, trait, step). For benchmarks at scale and for statistics with known inputs.
import { DEMO_BACKEND } from "../../main/core/backends/index.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { Store } from "../../main/core/store/store.js";

export interface ExperimentDbSize {
  conditions: number;
  seeds: number;
  traits: number;
  contexts: number;
  /** Checkpoints at steps 10, 20, … */
  checkpoints: number;
  items: number;
  /** Which checkpoints get per-item samples: the last only, or every one. */
  sampledSteps: "final" | "every";
  score: (at: { condition: number; seed: number; item: number; context: number; trait: number; step: number }) => number;
}

/** Runs are named c{condition}-s{seed}, grouped condition{condition}; traits trait{t}, contexts ctx{c}, items i{i}. */
export function buildExperimentDb(path: string, size: ExperimentDbSize): void {
  const store = Store.open(path);
  const contexts = Array.from({ length: size.contexts }, (_, c) => `      - { id: ctx${c}, role: neutral, system: "prompt ${c}" }`).join("\n");
  const items = Array.from({ length: size.items }, (_, i) => `{ id: i${i}, prompt: "question ${i}" }`).join(", ");
  const roles = ["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution"];
  const traits = Array.from({ length: size.traits }, (_, t) => `  - id: trait${t}\n    name: Trait ${t}\n    polarity: higher_is_trait\n    role: ${roles[t % 3]}\n    items: [${items}]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`).join("");
  const suite = store.probes.saveSuite(parseSuite("experiment.yaml", `id: experiment\nname: Experiment\ndefaults:\n  contexts:\n${contexts}\ntraits:\n${traits}`), null);
  const score = store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'x')`);
  const sample = store.db.prepare(`INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, created_at) VALUES (?, ?, ?, ?, 0, 'q', 'a', ?, 'x')`);
  for (let condition = 0; condition < size.conditions; condition++) {
    for (let seed = 0; seed < size.seeds; seed++) {
      const run = store.runs.registerRun({ path: `/experiment/c${condition}-s${seed}`, name: `c${condition}-s${seed}`, group: `condition${condition}`, seed });
      store.runs.setProbeSettings(run.id, { suites: [{ key: suite.key, version: suite.version }], backend: DEMO_BACKEND, judge: null, every: 1, latestOnly: false, thresholds: {} });
      store.db.transaction(() => {
        for (let c = 1; c <= size.checkpoints; c++) store.runs.markComplete(run.id, { step: c * 10, path: `/experiment/c${condition}-s${seed}/checkpoint-${c * 10}`, kind: "lora" }, "fp", []);
      })();
      const cps = store.runs.listCheckpoints(run.id);
      const last = cps[cps.length - 1]!;
      store.db.transaction(() => {
        for (const cp of cps) {
          suite.traits.forEach((t, trait) => {
            t.contexts.forEach((x, context) => {
              const at = (item: number) => size.score({ condition, seed, item, context, trait, step: cp.step });
              if (size.sampledSteps === "every" || cp.id === last.id) for (let i = 0; i < size.items; i++) sample.run(cp.id, t.id, x.id, `i${i}`, at(i));
              let m = 0;
              for (let i = 0; i < size.items; i++) m += at(i) / size.items;
              score.run(cp.id, t.id, x.id, m, m - 0.05, m + 0.05, size.items);
            });
          });
        }
      })();
    }
  }
  store.close();
}
