// The drift view's group-mean bands are the experiment statistics' intervals, step by step: the same numbers
// `effects --at step:N` gives for the group, inside a share's range, and none for a group of one run.
import assert from "node:assert/strict";
import { join } from "node:path";
import test from "node:test";
import { computeEffects } from "../../main/core/experiments/effects.js";
import { GroupBandCache } from "../../main/core/experiments/groupBandCache.js";
import { computeGroupBands, computeGroupBandsInSlices } from "../../main/core/experiments/groupBands.js";
import { Store } from "../../main/core/store/store.js";
import { buildExperimentDb } from "../support/experimentDb.js";
import { tempDir } from "../support/tmp.js";

test("group bands: per step, the two-level bootstrap interval of the group's seeds, equal to effects at that step", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  // A share: each item answered 0 or 1, differing by seed, item and step.
  buildExperimentDb(db, { conditions: 2, seeds: 3, traits: 1, contexts: 2, checkpoints: 3, items: 12, sampledSteps: "every", score: ({ seed, item, context, step, condition }) => ((item + seed * 2 + step / 10 + context + condition) % 3 === 0 ? 1 : 0) });
  const store = Store.open(db);
  try {
    const runs = store.runs.listRuns();
    // condition1 keeps one run only: no band for it.
    const lone = runs.filter((r) => r.group === "condition1").slice(0, 1);
    const ids = [...runs.filter((r) => r.group === "condition0"), ...lone].map((r) => r.id);
    const bands = computeGroupBands(store, ids);
    assert.deepEqual(bands.map((b) => `${b.group}/${b.trait}/${b.context}`).sort(), ["condition0/trait0/ctx0", "condition0/trait0/ctx1"], "one band per context of the group with seeds; none for one run");
    for (const b of bands) {
      assert.deepEqual(b.steps, [10, 20, 30]);
      assert.deepEqual(b.seeds, [3, 3, 3]);
      for (const [i, step] of b.steps.entries()) {
        const row = (await computeEffects(store, { control: "condition0", conditions: [], at: { kind: "step", step } })).rows.find((r) => r.context === b.context)!;
        assert.equal(b.ciLow[i], row.ciLow, `step ${step} ${b.context}: the same lower bound as effects`);
        assert.equal(b.ciHigh[i], row.ciHigh);
        assert.ok(b.ciLow[i]! <= row.mean! && row.mean! <= b.ciHigh[i]!);
        assert.ok(b.ciLow[i]! >= 0 && b.ciHigh[i]! <= 1, "a share's band stays in [0, 1]");
        assert.ok(b.ciHigh[i]! > b.ciLow[i]!, "seeds and items that differ give a band of some width");
      }
    }
    assert.deepEqual(computeGroupBands(store, ids, { context: "ctx1" }).map((b) => b.context), ["ctx1"]);
    // At the steps a panel shows only (the drift view's cut series), with the same values there.
    const some = computeGroupBands(store, ids, { context: "ctx1", steps: [10, 30, 35] })[0]!;
    const all = bands.find((b) => b.context === "ctx1")!;
    assert.deepEqual(some.steps, [10, 30]);
    assert.deepEqual(some.ciLow, [all.ciLow[0], all.ciLow[2]]);
    assert.deepEqual(computeGroupBands(store, ids, { steps: [] }), []);
    assert.deepEqual(computeGroupBands(store, lone.map((r) => r.id)), []);
  } finally {
    store.close();
  }
});

test("effects --at every: one comparison per probed step, each the same as effects at that step", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  buildExperimentDb(db, { conditions: 2, seeds: 2, traits: 1, contexts: 1, checkpoints: 3, items: 8, sampledSteps: "every", score: ({ seed, item, step, condition }) => ((item * 7 + seed * 3 + step + condition * 5) % 10) / 10 });
  const store = Store.open(db);
  try {
    const every = await computeEffects(store, { control: "condition0", conditions: ["condition1"], at: { kind: "every" }, gaps: [] });
    assert.deepEqual([...new Set(every.rows.map((r) => r.at))], ["step:10", "step:20", "step:30"]);
    for (const step of [10, 20, 30]) {
      const one = await computeEffects(store, { control: "condition0", conditions: ["condition1"], at: { kind: "step", step } });
      const pick = (rows: typeof one.rows) => rows.filter((r) => r.at === `step:${step}`).map(({ at: _at, ...rest }) => rest);
      assert.deepEqual(pick(every.rows), pick(one.rows), `step ${step}`);
    }
    const d = every.rows.find((r) => r.condition === "condition1" && r.at === "step:20")!;
    assert.ok(d.deltaCiLow! <= d.delta! && d.delta! <= d.deltaCiHigh!);
  } finally {
    store.close();
  }
});

test("group bands are reused while the runs' scores are unchanged and recomputed when a score arrives", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  buildExperimentDb(db, { conditions: 1, seeds: 2, traits: 1, contexts: 1, checkpoints: 2, items: 6, sampledSteps: "every", score: ({ seed, item }) => ((item + seed) % 4) / 4 });
  const store = Store.open(db);
  try {
    const cache = new GroupBandCache(store);
    const ids = store.runs.listRuns().map((r) => r.id);
    const first = cache.get(ids, {});
    assert.equal(cache.get([...ids].reverse(), {}), first, "the same runs in another order: the cached bands");
    // A new checkpoint with scores and samples for one run changes its fingerprint.
    store.runs.markComplete(ids[0]!, { step: 30, path: "/experiment/c0-s0/checkpoint-30", kind: "lora" }, "fp", []);
    const cp = store.runs.listCheckpoints(ids[0]!).find((c) => c.step === 30)!;
    const trait = store.db.prepare(`SELECT id FROM trait LIMIT 1`).pluck().get() as number;
    const context = store.db.prepare(`SELECT id FROM context LIMIT 1`).pluck().get() as number;
    store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, ?, ?, 0.5, 0.4, 0.6, 1, 0, 'y')`).run(cp.id, trait, context);
    const second = cache.get(ids, {});
    assert.notEqual(second, first, "recomputed after a score was written");
    assert.deepEqual(await second, await first, "the new step has one run only: no new band point");
  } finally {
    store.close();
  }
});

test("group bands computed in slices equal those computed at once, and the event loop runs between slices", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  buildExperimentDb(db, { conditions: 2, seeds: 3, traits: 2, contexts: 2, checkpoints: 4, items: 6, sampledSteps: "every", score: ({ seed, item }) => ((item + seed) % 4) / 4 });
  const store = Store.open(db);
  try {
    const ids = store.runs.listRuns().map((r) => r.id);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    // A slice of 0 ms pauses at every step of the work: the interval above gets its turns meanwhile.
    const sliced = await computeGroupBandsInSlices(store, ids, {}, 0).finally(() => clearInterval(timer));
    assert.ok(ticks > 0, "other work ran while the bands were computed");
    assert.ok(sliced.length > 0);
    assert.deepEqual(sliced, computeGroupBands(store, ids));
  } finally {
    store.close();
  }
});
