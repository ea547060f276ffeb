import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregate } from "../../main/core/probes/aggregate.js";

test("mean over non-null samples, n and nulls", () => {
  const a = aggregate([
    { item: "a", score: 1 },
    { item: "a", score: 0 },
    { item: "b", score: 1 },
    { item: "b", score: null },
  ]);
  assert.ok(Math.abs(a.mean! - 2 / 3) < 1e-12);
  assert.equal(a.n, 3);
  assert.equal(a.nulls, 1);
  assert.deepEqual(aggregate([{ item: "a", score: null }]), { mean: null, ciLow: null, ciHigh: null, n: 0, nulls: 1 });
});

test("the bootstrap resamples items: correlated samples do not shrink the interval", () => {
  // Ten items whose samples agree within an item but items differ: many samples per item must not make the CI tight.
  const few = Array.from({ length: 10 }, (_, i) => ({ item: `q${i}`, score: i % 2 }));
  const many = few.flatMap((s) => Array.from({ length: 50 }, () => ({ ...s })));
  const a = aggregate(few);
  const b = aggregate(many);
  assert.ok(Math.abs(a.mean! - b.mean!) < 1e-12);
  const widthA = a.ciHigh! - a.ciLow!;
  const widthB = b.ciHigh! - b.ciLow!;
  assert.ok(widthB > 0.5 * widthA, `per-item resampling keeps the width: ${widthA} vs ${widthB}`);
  assert.ok(a.ciLow! <= a.mean! && a.mean! <= a.ciHigh!);
});

test("a fixed seed: the same samples give the same interval", () => {
  const samples = Array.from({ length: 40 }, (_, i) => ({ item: `q${i % 13}`, score: Math.sin(i) * 50 + 50 }));
  assert.deepEqual(aggregate(samples), aggregate([...samples].reverse()));
});
