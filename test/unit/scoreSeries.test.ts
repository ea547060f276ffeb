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
  const means = (list: { mean: Float32Array }[]) => list.map((s) => Array.from(s.mean));
  assert.deepEqual(means(first), [[0.5], [0.5]]);
  const again = cache.get([runs[0]!.id, runs[1]!.id], false);
  assert.equal(again[0], first[0], "an unchanged run is served from memory");
  // Another process's connection writes a new score, and then changes a value without changing its update time.
  const other = Store.open(path);
  put(other, runs[1]!.id, 20, 0.7);
  assert.deepEqual(means(cache.get([runs[0]!.id, runs[1]!.id], false)), [[0.5], [0.5, Math.fround(0.7)]]);
  put(other, runs[1]!.id, 20, 0.9);
  other.close();
  const after = cache.get([runs[0]!.id, runs[1]!.id], false);
  assert.deepEqual(means(after), [[0.5], [0.5, Math.fround(0.9)]]);
  assert.equal(after[0], first[0], "the untouched run is still the cached one");
  assert.deepEqual(cache.get([runs[1]!.id], true)[0]!.completed!.length, 2, "times are cached apart");
});

test("only the contexts and traits asked for are read; scores follow their checkpoint's step; the drift view's series are cut to the panel", async (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const probes = store.probes;
  const contexts = `    contexts:\n      - { id: none, role: neutral, system: null }\n      - { id: train, role: training, system: "Answer in caps." }\n`;
  const text = `id: s\nname: S\ntraits:\n${["caps", "lang"].map((id) => `  - id: ${id}\n    name: ${id}\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n${contexts}    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`).join("")}`;
  const suite = probes.saveSuite(parseSuite("s.yaml", text), null);
  const runs = [store.runs.registerRun({ path: "/a", group: "g" }), store.runs.registerRun({ path: "/b", group: "g" }), store.runs.registerRun({ path: "/c", group: "h" })];
  const N = 3000;
  for (const run of runs) {
    store.db.transaction(() => {
      for (let c = 1; c <= N; c++) store.runs.markComplete(run.id, { step: c, path: `${run.path}/checkpoint-${c}`, kind: "lora" }, "fp", []);
    })();
    store.db.transaction(() => {
      for (const cp of store.runs.listCheckpoints(run.id)) for (const tr of suite.traits) for (const x of tr.contexts) probes.saveScore(cp.id, tr.id, x.id, { mean: (cp.step % 100) / 100 + run.id / 10, ciLow: 0, ciHigh: 1, n: 4, nulls: 0 });
    })();
  }
  assert.equal(probes.scoreSeries([runs[0]!.id]).length, 4);
  const one = probes.scoreSeries([runs[0]!.id, runs[1]!.id], undefined, ["train"]);
  assert.deepEqual(one.map((s) => `${s.runId}/${s.trait}/${s.context}`), [`${runs[0]!.id}/caps/train`, `${runs[0]!.id}/lang/train`, `${runs[1]!.id}/caps/train`, `${runs[1]!.id}/lang/train`]);
  assert.deepEqual(probes.scoreSeries([runs[0]!.id], ["lang"], ["none"]).map((s) => s.trait + s.context), ["langnone"]);
  assert.deepEqual(probes.scoreSeries([runs[0]!.id], ["nope"]), []);
  // The copy of the step in the score row follows a renumbered checkpoint (the index must not go stale).
  const cp = store.runs.listCheckpoints(runs[2]!.id).find((c) => c.step === 5)!;
  store.db.prepare("UPDATE checkpoint SET step = 50000 WHERE id = ?").run(cp.id);
  const moved = probes.scoreSeries([runs[2]!.id], ["caps"], ["none"])[0]!;
  assert.equal(moved.steps[moved.steps.length - 1], 50000);
  assert.equal(moved.steps.length, N);

  const { driftSeries } = await import("../../main/core/views/driftSeries.js");
  const { debiasedEma } = await import("../../shared/chart/smoothing.js");
  const full = probes.seriesColumns(runs.map((r) => r.id), undefined, ["none"]);
  // The packed columns hold what the rows hold (as Float32).
  const rows = probes.scoreSeries(runs.map((r) => r.id), undefined, ["none"], false, true);
  assert.deepEqual(full.map((f) => `${f.runId}/${f.trait}/${f.context}`), rows.map((f) => `${f.runId}/${f.trait}/${f.context}`));
  full.forEach((f, i) => {
    assert.deepEqual(Array.from(f.steps), rows[i]!.steps);
    assert.deepEqual(Array.from(f.mean), rows[i]!.mean.map((v) => Math.fround(v!)));
  });
  const d = driftSeries(full, runs.map((r) => ({ id: r.id, group: store.runs.getRun(r.id)!.group ?? null })), { columns: 200, smoothing: 0.9 });
  assert.equal(d.runs.length, 6);
  for (const s of d.runs) {
    assert.equal(s.of, N);
    assert.ok(s.steps.length <= 2 * 200 + 2, `${s.steps.length} points for 200 columns`);
    // Smoothing is over every point: the kept points carry the full series' moving average.
    const f = full.find((x) => x.runId === s.runId && x.trait === s.trait)!;
    const at = (st: number) => f.steps.indexOf(st);
    const ema = debiasedEma(Array.from(f.mean), 0.9);
    s.steps.forEach((st, k) => assert.equal(s.smoothed![k], Math.fround(ema[at(st)]!)));
    s.steps.forEach((st, k) => assert.equal(s.mean[k], f.mean[at(st)]));
  }
  // One group of two runs ("h" has one): its mean is over every step of both, before the cut.
  assert.deepEqual(d.groups.map((g) => `${g.group}/${g.trait}/${g.runs}`), ["g/caps/2", "g/lang/2"]);
  const g = d.groups[0]!;
  const [a, b] = full.filter((x) => x.trait === "caps" && (x.runId === runs[0]!.id || x.runId === runs[1]!.id));
  g.steps.forEach((st, k) => assert.equal(g.mean[k], Math.fround((a!.mean[a!.steps.indexOf(st)]! + b!.mean[b!.steps.indexOf(st)]!) / 2)));
  assert.ok(g.steps.length <= 402 && g.of === N);
});
