import assert from "node:assert/strict";
import { test } from "node:test";
import { axisX, clockStart, runClock, stepAtX, timeOfStep } from "../../shared/chart/timeAxis.js";

test("a run's clock places steps in time, lines runs up by hours since their start, and maps a time back to a checkpoint", () => {
  const c = runClock([10, 20, 30, 40], [1000, 1600, null, 4600]);
  assert.deepEqual(c, { steps: [10, 20, 40], times: [1000, 1600, 4600] });
  assert.equal(clockStart(c), 1000);
  assert.equal(timeOfStep(c, 15), 1300, "linear between the checkpoints around it");
  assert.equal(timeOfStep(c, 30), 3100);
  assert.equal(timeOfStep(c, 5), 1000, "before the first checkpoint: its time");
  assert.equal(timeOfStep(c, 99), 4600);
  assert.equal(axisX("elapsed", 4600, 1000), 1);
  assert.equal(axisX("time", 4600, 1000), 4600);
  assert.equal(stepAtX(c, "elapsed", 0.9), 40);
  assert.equal(stepAtX(c, "elapsed", 0.1), 20);
  assert.equal(stepAtX(c, "time", 1100), 10);
  assert.equal(stepAtX(c, "step", 17), 17);
  assert.equal(stepAtX(runClock([], []), "time", 5), null);
  assert.ok(Number.isNaN(timeOfStep(runClock([], []), 5)));
});
