// The run states the sidebar shows, by their stated rules.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runState, type RunActivity } from "../../main/core/runs/runState.js";

const MIN = 60_000;
const now = 1_000 * MIN;
// Checkpoints every 10 minutes, the last at `last` minutes before now.
const every10 = (n: number, last: number) => Array.from({ length: n }, (_, i) => now - (last + 10 * (n - 1 - i)) * MIN);
const base: RunActivity = { status: "watching", statusMessage: null, watched: true, settling: 0, completedAtMs: every10(5, 2), probing: { running: false, failed: 0 }, nowMs: now };

test("live while a checkpoint settles, probing runs, or the next checkpoint is not yet due", () => {
  assert.equal(runState(base).state, "live");
  assert.equal(runState({ ...base, completedAtMs: every10(5, 25), settling: 1 }).state, "live");
  assert.equal(runState({ ...base, completedAtMs: every10(5, 45), probing: { running: true, failed: 0 } }).state, "live");
});

test("idle when the next checkpoint is overdue, stalled beyond three median intervals", () => {
  assert.equal(runState({ ...base, completedAtMs: every10(5, 15) }).state, "idle");
  assert.equal(runState({ ...base, completedAtMs: every10(5, 29) }).state, "idle");
  const s = runState({ ...base, completedAtMs: every10(5, 31) });
  assert.equal(s.state, "stalled");
  assert.match(s.reason, /no new checkpoint for 31 min \(3× the median interval is 30 min\)/);
  // Too few checkpoints to know the rhythm: never stalled.
  assert.equal(runState({ ...base, completedAtMs: every10(2, 500) }).state, "idle");
  // The rhythm is the recent one: a run that sped up is judged by its recent interval.
  const slowThenFast = [...Array.from({ length: 60 }, (_, i) => now - (2000 - i * 20) * MIN), ...every10(60, 40)];
  assert.equal(runState({ ...base, completedAtMs: slowThenFast }).state, "stalled");
});

test("finished at max_steps, or when nothing watches it and nothing settles; errors and pauses win", () => {
  assert.deepEqual(runState({ ...base, status: "finished", statusMessage: "training reached max_steps 200", completedAtMs: every10(5, 500) }), { state: "finished", reason: "training reached max_steps 200" });
  assert.equal(runState({ ...base, watched: false }).state, "finished");
  assert.equal(runState({ ...base, watched: false, settling: 2 }).state, "idle");
  assert.equal(runState({ ...base, status: "error", statusMessage: "folder gone" }).reason, "folder gone");
  assert.equal(runState({ ...base, probing: { running: true, failed: 3 } }).state, "error");
  assert.equal(runState({ ...base, status: "paused" }).state, "paused");
});
