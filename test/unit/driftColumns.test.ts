// The drift view's columns: values in their own units as Float32 with NaN for a missing one; steps as Int32 when they
// fit, else Float64 (a step beyond 2^31, or a fractional one, is kept exactly).
import assert from "node:assert/strict";
import { test } from "node:test";
import { driftSeries } from "../../main/core/views/driftSeries.js";
import type { ScoreSeries } from "../../shared/views.js";

const series = (steps: number[], runId = 1): ScoreSeries => ({ runId, trait: "t", context: "none", steps, mean: steps.map((_, i) => (i === 1 ? null : 25_000 * i)), ciLow: steps.map(() => 0), ciHigh: steps.map(() => 100_000), scale: 100_000 });

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
