// The pieces that make a large experiment's effects fast, each against a slow obvious version: the statistics
// workers give exactly the rows computed on the calling thread; the tail selection of the percentiles gives exactly
// the ranks a sort gives; the per-item means read from the sample rows are the plain means of the non-null scores.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { selectPercentiles } from "../../main/core/experiments/bootstrap.js";
import { computeEffects } from "../../main/core/experiments/effects.js";
import { EffectsPool } from "../../main/core/experiments/effectsPool.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { Store } from "../../main/core/store/store.js";
import { seededRandom } from "../../main/core/util/random.js";
import { buildExperimentDb } from "../support/experimentDb.js";
import { tempDir } from "../support/tmp.js";

test("effects on statistics workers are identical to effects on the calling thread, at a point and at every step", async (t) => {
  const db = join(tempDir(t), "w.db");
  buildExperimentDb(db, {
    conditions: 4,
    seeds: 3,
    traits: 3,
    contexts: 2,
    checkpoints: 3,
    items: 12,
    sampledSteps: "every",
    score: ({ condition, seed, item, context, trait, step }) => 0.5 + 0.45 * Math.sin(condition * 0.9 + seed * 0.4 + item * 1.7 + context * 0.3 + trait * 0.2 + step / 50),
  });
  const store = Store.open(db);
  const pool = new EffectsPool({ size: 2, minWork: 0 });
  t.after(async () => {
    await pool.close();
    store.close();
  });
  const conditions = ["condition0", "condition1", "condition2", "condition3"];
  for (const at of [{ kind: "final" as const }, { kind: "every" as const }, { kind: "window" as const, from: 10, to: 20 }]) {
    const request = { control: "condition0", conditions, at, gaps: [["ctx0", "ctx1"]] as [string, string][], tags: { condition1: ["ip"], condition2: ["bct"], condition3: ["ip", "bct"] }, bootstrap: { replicates: 500 } };
    assert.ok(pool.worthIt([{ steps: new Map([[1, [1]]]) }, { steps: new Map() }] as never), "minWork 0: any two traits go to the workers");
    const here = await computeEffects(store, request);
    const there = await computeEffects(store, request, pool);
    assert.ok(here.rows.length > 0 && here.gaps.length > 0 && here.interactions.length > 0, `${at.kind}: something to compare`);
    assert.deepEqual(there, here, `${at.kind}: the same rows, runs, gaps and interactions, in the same order`);
  }
  // The pool is reused, and shared: two requests at once (two serve-mode clients) queue for the same two workers.
  const final = { control: "condition0", conditions, at: { kind: "final" as const } };
  const every = { control: "condition0", conditions, at: { kind: "every" as const } };
  const [a, b] = await Promise.all([computeEffects(store, final, pool), computeEffects(store, every, pool)]);
  assert.deepEqual(a, await computeEffects(store, final));
  assert.deepEqual(b, await computeEffects(store, every));
});

test("a statistics worker that fails says which trait, and the pool still works afterwards", async (t) => {
  const db = join(tempDir(t), "w.db");
  buildExperimentDb(db, { conditions: 2, seeds: 2, traits: 2, contexts: 1, checkpoints: 1, items: 4, sampledSteps: "final", score: ({ item, seed }) => ((item + seed) % 3) / 2 });
  const store = Store.open(db);
  const pool = new EffectsPool({ size: 1, minWork: 0 });
  t.after(async () => {
    await pool.close();
    store.close();
  });
  // Steps that are not a map: the worker's reading of them throws.
  const broken = { trait: "trait1", steps: 42, at: { kind: "final" }, names: ["condition0"], byCondition: new Map([["condition0", []]]), control: "condition0", interactions: [] };
  await assert.rejects(pool.run(store, [broken as never]), /effects of trait "trait1": /);
  const ok = await computeEffects(store, { control: "condition0", conditions: ["condition1"], at: { kind: "final" } }, pool);
  assert.deepEqual(ok, await computeEffects(store, { control: "condition0", conditions: ["condition1"], at: { kind: "final" } }));
});

test("the percentile points are exactly the sorted ranks floor(0.025 n) and floor(0.975 n), tails or not", () => {
  const rng = seededRandom(7);
  const cases: [string, number[]][] = [];
  for (const n of [1, 2, 39, 40, 41, 1000, 1023, 1024, 1025, 2000, 4999]) cases.push([`uniform ${n}`, Array.from({ length: n }, () => rng())]);
  cases.push(["ascending 2000", Array.from({ length: 2000 }, (_, i) => i)]);
  cases.push(["descending 2000", Array.from({ length: 2000 }, (_, i) => -i)]);
  cases.push(["constant 2000", Array.from({ length: 2000 }, () => 0.25)]);
  cases.push(["three values 2000", Array.from({ length: 2000 }, () => [0, 0.5, 1][Math.floor(rng() * 3)]!)]);
  cases.push(["heavy ties in the lower tail", Array.from({ length: 3000 }, (_, i) => (i % 10 === 0 ? 0 : rng()))]);
  cases.push(["outliers", Array.from({ length: 2000 }, (_, i) => (i % 97 === 0 ? 1e9 : i % 89 === 0 ? -1e9 : rng()))]);
  // The sample of 64 read at a stride sees only the 64 large values: its upper bound leaves 8 values in the upper
  // tail, too few, so the whole array is selected instead (the answer is the same).
  cases.push(["an adversarial stride", Array.from({ length: 2048 }, (_, i) => (i % 32 === 0 ? 100 + i : rng()))]);
  for (const [name, values] of cases) {
    const sorted = [...values].sort((a, b) => a - b);
    const n = values.length;
    const expected = { lo: sorted[Math.floor(0.025 * n)], hi: sorted[Math.min(n - 1, Math.floor(0.975 * n))] };
    assert.deepEqual(selectPercentiles(Float64Array.from(values), n), expected, name);
  }
  assert.deepEqual(selectPercentiles(new Float64Array(0), 0), { lo: null, hi: null });
});

test("per-item means from the sample rows: several samples averaged, null scores left out, every trait and context", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const suite = store.probes.saveSuite(
    parseSuite(
      "s.yaml",
      `id: s\nname: S\ndefaults:\n  contexts:\n    - { id: a, role: neutral, system: "A" }\n    - { id: b, role: neutral, system: "B" }\ntraits:\n` +
        ["t1", "t2"].map((id) => `  - id: ${id}\n    name: ${id}\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: x, prompt: p }, { id: y, prompt: q }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`).join(""),
    ),
    null,
  );
  const run = store.runs.registerRun({ path: "/r", name: "r", group: "g" });
  store.runs.markComplete(run.id, { step: 5, path: "/r/checkpoint-5", kind: "full" }, "fp", []);
  const cp = store.runs.listCheckpoints(run.id)[0]!;
  const insert = store.db.prepare(`INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, created_at) VALUES (?, ?, ?, ?, ?, 'q', 'a', ?, 'x')`);
  const [t1, t2] = suite.traits;
  const ctx = (trait: typeof t1, key: string) => trait!.contexts.find((c) => c.key === key)!.id;
  const rows: [typeof t1, string, string, (number | null)[]][] = [
    [t1, "a", "x", [0.2, 0.4, 0.9]],
    [t1, "a", "y", [null, 1]],
    [t1, "b", "x", [0]],
    [t2, "a", "x", [0.5, 0.5]],
    [t2, "b", "y", [null]],
  ];
  for (const [trait, c, item, scores] of rows) scores.forEach((s, i) => insert.run(cp.id, trait!.id, ctx(trait, c), item, i, s));
  const got = store.experiments.itemScores(["t1", "t2"].map((traitKey) => ({ traitKey, steps: new Map([[run.id, [5]]]) })));
  const simple = (xs: { context: string; item: string; mean: number; n: number }[]) => xs.map((x) => `${x.context}/${x.item}=${x.mean.toFixed(6)} n${x.n}`).sort();
  assert.deepEqual(simple(got.get("t1")!), ["a/x=0.500000 n3", "a/y=1.000000 n1", "b/x=0.000000 n1"]);
  assert.deepEqual(simple(got.get("t2")!), ["a/x=0.500000 n2"], "an item with only null scores has no mean");
});
