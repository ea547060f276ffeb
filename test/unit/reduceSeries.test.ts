import assert from "node:assert/strict";
import { test } from "node:test";
import { keptIndexes, reducedIndexes } from "../../shared/chart/reduceSeries.js";

const steps = (n: number) => Array.from({ length: n }, (_, i) => (i + 1) * 10);

test("a series that fits its columns is sent whole", () => {
  const s = { steps: steps(100), mean: steps(100).map((x) => x / 1000) };
  assert.deepEqual(reducedIndexes(s.steps, s.mean, { columns: 100 }), { kept: null });
  assert.deepEqual(reducedIndexes(s.steps, s.mean, { columns: 400 }), { kept: null });
});

test("a long series keeps each column's lowest and highest point, every spike, the ends and one null per gap column", () => {
  const n = 10_000;
  const x = steps(n);
  // A smooth wave with two one-point spikes (up and down) and a run of nulls.
  const mean: (number | null)[] = x.map((v, i) => (i >= 5000 && i < 5003 ? null : Math.sin(v / 3000)));
  mean[1234] = 9;
  mean[7777] = -9;
  const columns = 440;
  const kept = keptIndexes(x, mean, { columns });
  assert.ok(kept.length <= 3 * columns + 2, `at most two values and one null per column, and the ends (${kept.length})`);
  assert.ok(kept.length < 1000);
  assert.ok(kept.includes(1234) && kept.includes(7777), "both spikes survive");
  assert.equal(kept[0], 0);
  assert.equal(kept[kept.length - 1], n - 1);
  assert.ok(kept.some((i) => mean[i] === null), "the gap survives");
  for (let k = 1; k < kept.length; k++) assert.ok(kept[k]! > kept[k - 1]!, "in step order, each once");
  // Per column, the kept extremes are the column's true extremes.
  const col = (i: number) => Math.min(columns - 1, Math.floor(((x[i]! - x[0]!) / (x[n - 1]! - x[0]!)) * columns));
  const byCol = new Map<number, number[]>();
  for (let i = 0; i < n; i++) if (mean[i] !== null) byCol.set(col(i), [...(byCol.get(col(i)) ?? []), mean[i]!]);
  for (const [c, ys] of byCol) {
    const keptYs = kept.filter((i) => col(i) === c && mean[i] !== null).map((i) => mean[i]!);
    assert.equal(Math.max(...keptYs), Math.max(...ys), `column ${c}: maximum`);
    assert.equal(Math.min(...keptYs), Math.min(...ys), `column ${c}: minimum`);
  }
  // What the core cuts each column of the series to (steps, mean, interval: the points at these indexes), and how
  // many points the range held.
  assert.deepEqual(reducedIndexes(x, mean, { columns }), { kept, of: n });
});

test("a zoomed range keeps its points and one beyond each end", () => {
  const x = steps(1000);
  const s = { steps: x, mean: x.map((v) => v % 7) };
  const at = (kept: number[] | null) => (kept ?? x.map((_, i) => i)).map((i) => x[i]!);
  const r = reducedIndexes(s.steps, s.mean, { columns: 400, range: [2000, 3000] });
  assert.deepEqual(at(r.kept), [1990, ...x.filter((v) => v >= 2000 && v <= 3000), 3010]);
  assert.equal(r.of, undefined, "trimmed, not reduced");
  const wide = reducedIndexes(s.steps, s.mean, { columns: 20, range: [2000, 8000] });
  const wideSteps = at(wide.kept);
  assert.equal(wideSteps[0], 1990);
  assert.equal(wideSteps[wideSteps.length - 1], 8010);
  assert.equal(wide.of, 603);
  assert.ok(wideSteps.length <= 2 * 20 + 2);
});
