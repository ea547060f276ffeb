import assert from "node:assert/strict";
import { test } from "node:test";
import { aggregate, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED } from "../../main/core/probes/aggregate.js";
import { seededRandom } from "../../main/core/util/random.js";

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

test("samples in item order (as the store reads them, one pass) and in another order (gathered, then sorted) give the same score", () => {
  // Items whose order differs between SQLite's (UTF-8 bytes) and JavaScript's (UTF-16 units): an astral character
  // sorts after U+FF5E in one and before it in the other, so the bytes' order takes the gathering path.
  const items = ["a", "b", "q\u{1F600}", "q\uFF5E", "z"];
  const samples = Array.from({ length: 60 }, (_, i) => ({ item: items[i % items.length]!, score: i % 7 === 0 ? null : Math.cos(i) }));
  const byBytes = [...samples].sort((x, y) => Buffer.compare(Buffer.from(x.item), Buffer.from(y.item)));
  const byUnits = [...samples].sort((x, y) => (x.item < y.item ? -1 : x.item > y.item ? 1 : 0));
  // Each item's samples in the same order in both (stable sorts): the same sums, to the bit.
  const want = aggregate(byUnits);
  assert.deepEqual(aggregate(byBytes), want);
  assert.equal(want.nulls, samples.filter((x) => x.score === null).length);
  // Shuffled, an item's scores are added in another order: equal up to rounding.
  const shuffled = aggregate([...samples].sort((x, y) => Math.sin(x.score ?? 3) - Math.sin(y.score ?? 3)));
  for (const k of ["mean", "ciLow", "ciHigh"] as const) assert.ok(Math.abs(shuffled[k]! - want[k]!) < 1e-12, k);
  assert.equal(shuffled.n, want.n);
});

test("the bootstrap draws seededRandom's numbers in its order: the interval is the one a call per draw gives", () => {
  // The loop writes mulberry32 out for speed; this is the same bootstrap with a call to seededRandom per draw.
  const byCall = (samples: { item: string; score: number | null }[]) => {
    const groups = new Map<string, { sum: number; count: number }>();
    for (const s of samples) {
      if (s.score === null) continue;
      const g = groups.get(s.item) ?? { sum: 0, count: 0 };
      g.sum += s.score;
      g.count++;
      groups.set(s.item, g);
    }
    const list = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
    const rng = seededRandom(BOOTSTRAP_SEED);
    const stats = Array.from({ length: BOOTSTRAP_RESAMPLES }, () => {
      let sum = 0;
      let count = 0;
      for (let i = 0; i < list.length; i++) {
        const g = list[(rng() * list.length) | 0]!;
        sum += g.sum;
        count += g.count;
      }
      return sum / count;
    }).sort((p, q) => p - q);
    return [stats[Math.floor(0.025 * BOOTSTRAP_RESAMPLES)], stats[Math.floor(0.975 * BOOTSTRAP_RESAMPLES)]];
  };
  const rng = seededRandom(99);
  for (const items of [2, 7, 60, 1000]) {
    const samples = Array.from({ length: items * 3 }, (_, i) => ({ item: `q${i % items}`, score: rng() < 0.1 ? null : Math.round(rng() * 100) / 100 }));
    const a = aggregate(samples);
    assert.deepEqual([a.ciLow, a.ciHigh], byCall(samples), `${items} items`);
  }
});
