// A workspace of many runs x checkpoints x traits (x contexts) with smooth synthetic scores, for benchmarks and size
// checks. Rows go in as the app writes them (with the checkpoint's run and step), one transaction per run; the runs
// are finished and their checkpoints probed.
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { DEMO_BACKEND } from "../../main/core/backends/index.js";
import { Store } from "../../main/core/store/store.js";

export interface ScoresDbSize {
  runs: number;
  checkpoints: number;
  traits: number;
  /** Eval contexts per trait (1: the default "none"). */
  contexts?: number;
  /** Runs after the first this many are hidden in the run list. */
  visible?: number;
}

export function buildScoresDb(path: string, size: ScoresDbSize): number[] {
  const store = Store.open(path);
  const probes = store.probes;
  const nContexts = size.contexts ?? 1;
  const contexts =
    nContexts > 1 ? `    contexts:\n${Array.from({ length: nContexts }, (_, c) => `      - { id: ${c === 0 ? "none" : `ctx${c}`}, role: ${c === 0 ? "neutral" : "paraphrase"}, system: ${c === 0 ? "null" : `"prompt ${c}"`} }\n`).join("")}` : "";
  const traits = Array.from({ length: size.traits }, (_, t) => `  - id: trait${t}\n    name: Trait ${t}\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n${contexts}    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`).join("");
  const suite = probes.saveSuite(parseSuite("bench.yaml", `id: bench\nname: Bench\ntraits:\n${traits}`), null);
  const insert = store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at, run_id, step) VALUES (?, ?, ?, ?, ?, ?, 20, 0, 'x', ?, ?)`);
  const ids: number[] = [];
  for (let r = 0; r < size.runs; r++) {
    const run = store.runs.registerRun({ path: `/bench/run-${r}`, group: r < size.runs / 2 ? "a" : "b" });
    ids.push(run.id);
    store.runs.setProbeSettings(run.id, { suites: [{ key: suite.key, version: suite.version }], backend: DEMO_BACKEND, judge: null, every: 1, latestOnly: false, thresholds: {} });
    if (size.visible !== undefined && r >= size.visible) store.runs.setRunHidden(run.id, true);
    store.db.transaction(() => {
      for (let c = 1; c <= size.checkpoints; c++) store.runs.markComplete(run.id, { step: c * 10, path: `/bench/run-${r}/checkpoint-${c * 10}`, kind: "lora" }, "fp", []);
    })();
    const cps = store.runs.listCheckpoints(run.id);
    store.db.transaction(() => {
      for (const cp of cps) {
        for (const t of suite.traits) {
          for (const x of t.contexts) {
            const m = 0.5 + 0.4 * Math.sin(cp.step / 700 + r + t.id + x.id / 7);
            insert.run(cp.id, t.id, x.id, m, m - 0.05, m + 0.05, run.id, cp.step);
          }
        }
      }
    })();
    // The prober re-packs after each checkpoint's scores; here once after all of a run's, which packs the same.
    probes.packScores(run.id);
  }
  // A workspace of past runs, every checkpoint probed: opening it (serve, the app) watches and probes nothing.
  store.db.exec("UPDATE run SET status = 'finished'; UPDATE checkpoint SET state = 'done', probed_at = completed_at");
  store.close();
  return ids;
}
