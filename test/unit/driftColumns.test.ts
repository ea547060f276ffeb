// The drift view's columns: values in their own units as Float32 with NaN for a missing one; steps as Int32 when they
// fit, else Float64 (a step beyond 2^31, or a fractional one, is kept exactly). A missing value is a gap: it neither
// counts in a group's mean nor moves a moving average.
import assert from "node:assert/strict";
import { test } from "node:test";
import { driftSeries } from "../../main/core/views/driftSeries.js";
import { meanAcrossRuns } from "../../shared/chart/groupMeans.js";
import { reducedIndexes } from "../../shared/chart/reduceSeries.js";
import type { RunColumns } from "../../main/core/store/probeStore.js";

const series = (steps: number[], runId = 1): RunColumns => ({
  runId,
  trait: "t",
  context: "none",
  steps: Float64Array.from(steps),
  mean: Float32Array.from(steps, (_, i) => (i === 1 ? NaN : 0.25 * i)),
  ciLow: new Float32Array(steps.length),
  ciHigh: new Float32Array(steps.length).fill(1),
});

test("values travel in their own units with NaN for a missing one; integer steps as Int32", () => {
  const d = driftSeries([series([10, 20, 30, 40])], [{ id: 1, group: null }], {});
  const s = d.runs[0]!;
  assert.ok(s.steps instanceof Int32Array);
  assert.deepEqual(Array.from(s.steps), [10, 20, 30, 40]);
  assert.ok(s.mean instanceof Float32Array);
  assert.equal(s.mean[0], 0);
  assert.ok(Number.isNaN(s.mean[1]!));
  assert.equal(s.mean[2], 0.5);
  assert.equal(s.ciHigh[3], 1);
});

test("steps beyond Int32 or fractional stay exact as Float64", () => {
  for (const steps of [[1, 2, 3_000_000_000], [0.5, 1, 1.5]]) {
    const s = driftSeries([series(steps)], [{ id: 1, group: null }], {}).runs[0]!;
    assert.ok(s.steps instanceof Float64Array);
    assert.deepEqual(Array.from(s.steps), steps);
  }
});

test("a group's mean of two runs travels as columns too", () => {
  const d = driftSeries([series([10, 20, 30], 1), series([10, 20, 30], 2)], [{ id: 1, group: "g" }, { id: 2, group: "g" }], {});
  assert.equal(d.groups.length, 1);
  assert.ok(d.groups[0]!.steps instanceof Int32Array && d.groups[0]!.mean instanceof Float32Array);
  const g = d.groups[0]!;
  assert.equal(g.mean[Array.from(g.steps).indexOf(30)], 0.5);
});

test("a missing value counts in no group mean and leaves the moving average where it was", () => {
  const d = driftSeries([series([10, 20, 30], 1), series([10, 20, 30], 2)], [{ id: 1, group: "g" }, { id: 2, group: "g" }], { smoothing: 0.5 });
  // Both runs miss step 20: the group has no mean there (fewer than two values), and NaN never becomes one.
  assert.deepEqual(Array.from(d.groups[0]!.steps), [10, 30]);
  const sm = d.runs[0]!.smoothed!;
  assert.equal(sm[0], 0);
  assert.ok(Number.isNaN(sm[1]!));
  // Debiased EMA of [0, 0.5] with weight 0.5: (0.5 * 0.5 * 0 + 0.5 * 0.5) / (1 - 0.25).
  assert.equal(sm[2], Math.fround(0.25 / 0.75));
});

test("a group's mean is the one definition (meanAcrossRuns), for runs probed at other steps too, and is cut per pixel column like a run", () => {
  const long = (runId: number, phase: number): RunColumns => {
    const steps = Float64Array.from({ length: 5000 }, (_, i) => (i + 1) * 10);
    const mean = Float32Array.from(steps, (x, i) => (i % 997 === 0 ? 5 : Math.sin(x / 700 + phase)));
    return { runId, trait: "t", context: "none", steps, mean, ciLow: new Float32Array(5000), ciHigh: new Float32Array(5000) };
  };
  const runs = [{ id: 1, group: "g" }, { id: 2, group: "g" }, { id: 3, group: "g" }];
  // Aligned and long: cut to the columns, as the runs are.
  const full = [long(1, 0), long(2, 1), long(3, 2)];
  const expected = meanAcrossRuns(full.map((r) => ({ steps: r.steps, values: r.mean })));
  const { kept, of } = reducedIndexes(expected.steps, expected.mean, { columns: 300 });
  assert.ok(kept && of === 5000);
  const g = driftSeries(full, runs, { columns: 300 }).groups[0]!;
  assert.deepEqual(Array.from(g.steps), kept.map((i) => expected.steps[i]));
  assert.deepEqual(Array.from(g.mean), kept.map((i) => Math.fround(expected.mean[i]!)));
  assert.equal(g.of, 5000);
  // Probed at other steps (run 3 every other step): a mean where two or more runs have a value.
  const sparse = series([10, 30, 50], 3);
  const mixed = [series([10, 20, 30, 40, 50], 1), series([10, 20, 30, 40, 50], 2), sparse];
  const m = meanAcrossRuns(mixed.map((r) => ({ steps: r.steps, values: r.mean })));
  const d = driftSeries(mixed, runs, {}).groups[0]!;
  assert.deepEqual(Array.from(d.steps), m.steps);
  assert.deepEqual(Array.from(d.mean), m.mean.map((v) => Math.fround(v)));
});
