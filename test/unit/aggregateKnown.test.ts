// The per-checkpoint aggregate against a bootstrap written out independently here from its description: items in
// key order, each replicate draws as many items as there are with replacement (the seeded generator's draws, in
// order), a replicate's value is its samples' sum over their count, and the interval is the values of rank
// floor(0.025 R) and floor(0.975 R) of the sorted replicates. Plus its edges: non-finite scores count as nulls, one
// item gives a point, the interval always holds the mean.
import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregate, BOOTSTRAP_SEED } from "../../main/core/probes/aggregate.js";
import { seededRandom } from "../../main/core/util/random.js";

function reference(items: Record<string, number[]>, resamples: number): { mean: number; lo: number; hi: number } {
  const keys = Object.keys(items).sort();
  const groups = keys.map((k) => items[k]!);
  const all = groups.flat();
  const rng = seededRandom(BOOTSTRAP_SEED);
  const values: number[] = [];
  for (let r = 0; r < resamples; r++) {
    const drawn: number[] = [];
    for (let i = 0; i < groups.length; i++) drawn.push(...groups[Math.floor(rng() * groups.length)]!);
    values.push(drawn.reduce((a, b) => a + b, 0) / drawn.length);
  }
  values.sort((a, b) => a - b);
  return { mean: all.reduce((a, b) => a + b, 0) / all.length, lo: values[Math.floor(0.025 * resamples)]!, hi: values[Math.floor(0.975 * resamples)]! };
}

const samples = (items: Record<string, (number | null)[]>) => Object.entries(items).flatMap(([item, scores]) => scores.map((score) => ({ item, score })));
const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test("the interval equals an independent bootstrap with the same seed, whatever order the samples come in", () => {
  const items = { q3: [0.9, 0.7], q1: [0.1], q10: [0.4, 0.5, 0.6], q2: [1, 1, 0], q07: [0.25] };
  for (const resamples of [2000, 500, 40]) {
    const want = reference(items, resamples);
    const shuffled = samples(items).reverse();
    const got = aggregate(shuffled, resamples);
    close(got.mean, want.mean, "mean");
    close(got.ciLow, want.lo, `lower, ${resamples} replicates`);
    close(got.ciHigh, want.hi, `upper, ${resamples} replicates`);
    assert.equal(got.n, 10);
  }
});

test("edges: non-finite scores are nulls, one item is a point, nothing scored is null, the interval holds the mean", () => {
  const a = aggregate([{ item: "a", score: 0.5 }, { item: "a", score: null }, { item: "b", score: Number.NaN }, { item: "b", score: Infinity }, { item: "c", score: -Infinity }]);
  assert.deepEqual(a, { mean: 0.5, ciLow: 0.5, ciHigh: 0.5, n: 1, nulls: 4 });
  assert.deepEqual(aggregate([{ item: "a", score: null }]), { mean: null, ciLow: null, ciHigh: null, n: 0, nulls: 1 });
  assert.deepEqual(aggregate([]), { mean: null, ciLow: null, ciHigh: null, n: 0, nulls: 0 });
  const one = aggregate([{ item: "x", score: 0.2 }, { item: "x", score: 0.6 }]);
  assert.deepEqual([one.ciLow, one.ciHigh, one.n], [one.mean, one.mean, 2]);
  close(one.mean, 0.4, "one item's mean");
  const spread = aggregate(samples({ a: [0], b: [1], c: [0], d: [1], e: [1] }));
  assert.ok(spread.ciLow! <= spread.mean! && spread.mean! <= spread.ciHigh!);
  assert.ok(spread.ciLow! < spread.ciHigh!, "different items give an interval of some width");
});
