import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { ScoreSeriesCache } from "../../main/core/store/scoreSeriesCache.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

const suiteText = (n: number) => `id: s\nname: S v${n}\ndescription: version ${n}\ntraits:\n  - id: caps\n    name: Caps\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`;

test("score series: columns by step per run, trait and context; the newest suite version wins per step", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const probes = store.probes;
  const v1 = probes.saveSuite(parseSuite("v1.yaml", suiteText(1)), null);
  const v2 = probes.saveSuite(parseSuite("v2.yaml", suiteText(2)), null);
  const run = store.runs.registerRun({ path: "/r" });
  for (const step of [30, 10, 20]) store.runs.markComplete(run.id, { step, path: `/r/checkpoint-${step}`, kind: "lora" }, "fp", []);
  const cp = new Map(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.id]));
  const put = (suite: typeof v1, step: number, mean: number) =>
    store.db
      .prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, ?, ?, ?, ?, ?, 5, 0, 'x')`)
      .run(cp.get(step), suite.traits[0]!.id, suite.traits[0]!.contexts[0]!.id, mean, mean - 0.1, mean + 0.1);
  put(v1, 10, 0.1);
  put(v1, 20, 0.2);
  put(v2, 20, 0.25);
  put(v2, 30, 0.333333333);
  const series = probes.scoreSeries([run.id]);
  assert.equal(series.length, 1);
  assert.deepEqual(series[0]!.steps, [10, 20, 30]);
  // Chart series travel as integers of 1/100,000; exact series (exports) at full precision with n.
  assert.equal(series[0]!.scale, 100_000);
  assert.deepEqual(series[0]!.mean, [10_000, 25_000, 33_333]);
  assert.deepEqual(series[0]!.ciHigh, [20_000, 35_000, 43_333]);
  const exact = probes.scoreSeries([run.id], undefined, undefined, false, true)[0]!;
  assert.equal(exact.scale, undefined);
  assert.deepEqual(exact.mean, [0.1, 0.25, 0.333333333]);
  assert.deepEqual(exact.n, [5, 5, 5]);
  assert.equal(series[0]!.completed, undefined);
  assert.equal(probes.scoreSeries([run.id], undefined, undefined, true)[0]!.completed!.length, 3);
  assert.deepEqual(probes.scoreSeries([run.id], "other"), []);
  // The same view as the CLI's listScores, for the steps both show.
  assert.deepEqual(probes.listScores(run.id).map((s) => [s.step, s.mean]), [[10, 0.1], [20, 0.25], [30, 0.333333333]]);
});

test("the score-series cache serves unchanged runs from memory and sees every change, also from another connection", (t) => {
  const path = join(tempDir(t), "w.db");
  const store = Store.open(path);
  t.after(() => store.close());
  const probes = store.probes;
  const suite = probes.saveSuite(parseSuite("v1.yaml", suiteText(1)), null);
  const runs = [store.runs.registerRun({ path: "/a" }), store.runs.registerRun({ path: "/b" })];
  for (const run of runs) for (const step of [10, 20]) store.runs.markComplete(run.id, { step, path: `${run.path}/checkpoint-${step}`, kind: "lora" }, "fp", []);
  const put = (db: Store, runId: number, step: number, mean: number) =>
    db.db
      .prepare(
        `INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES ((SELECT id FROM checkpoint WHERE run_id = ? AND step = ?), ?, ?, ?, ?, ?, 5, 0, 'same')
         ON CONFLICT DO UPDATE SET mean = excluded.mean`,
      )
      .run(runId, step, suite.traits[0]!.id, suite.traits[0]!.contexts[0]!.id, mean, mean - 0.1, mean + 0.1);
  for (const run of runs) put(store, run.id, 10, 0.5);
  const cache = new ScoreSeriesCache(probes);
  const first = cache.get([runs[0]!.id, runs[1]!.id], false);
  assert.deepEqual(first.map((s) => s.mean), [[50_000], [50_000]]);
  const again = cache.get([runs[0]!.id, runs[1]!.id], false);
  assert.equal(again[0], first[0], "an unchanged run is served from memory");
  // Another process's connection writes a new score, and then changes a value without changing its update time.
  const other = Store.open(path);
  put(other, runs[1]!.id, 20, 0.7);
  assert.deepEqual(cache.get([runs[0]!.id, runs[1]!.id], false).map((s) => s.mean), [[50_000], [50_000, 70_000]]);
  put(other, runs[1]!.id, 20, 0.9);
  other.close();
  const after = cache.get([runs[0]!.id, runs[1]!.id], false);
  assert.deepEqual(after.map((s) => s.mean), [[50_000], [50_000, 90_000]]);
  assert.equal(after[0], first[0], "the untouched run is still the cached one");
  assert.deepEqual(cache.get([runs[1]!.id], true)[0]!.completed!.length, 2, "times are cached apart");
});
