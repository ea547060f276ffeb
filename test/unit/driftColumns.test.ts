// The drift view's columns: values in their own units as Float32 with NaN for a missing one; steps as Int32 when they
// fit, else Float64 (a step beyond 2^31, or a fractional one, is kept exactly). A missing value is a gap: it neither
// counts in a group's mean nor moves a moving average.
import assert from "node:assert/strict";
import { test } from "node:test";
import { driftSeries } from "../../main/core/views/driftSeries.js";
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
