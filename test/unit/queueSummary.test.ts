import assert from "node:assert/strict";
import { test } from "node:test";
import type { JobProgress } from "../../shared/events.js";
import { countStates, formatDuration, groupQueue } from "../../shared/queueSummary.js";

const job = (jobId: number, runId: number, step: number, state: JobProgress["state"], done: number, total: number, rate: number | null = null): JobProgress => ({ jobId, runId, step, trait: "t", context: "none", state, done, total, rate, etaSeconds: rate ? (total - done) / rate : null, lastError: null });

test("the queue groups jobs by run (in the sidebar's order) and checkpoint (newest first), with counts, progress and an ETA", () => {
  const jobs = [job(1, 2, 10, "done", 64, 64), job(2, 2, 20, "running", 16, 64, 8), job(3, 2, 20, "queued", 0, 64), job(4, 1, 10, "failed", 3, 64), job(5, 1, 30, "paused", 0, 64)];
  const groups = groupQueue(jobs, [1, 2]);
  assert.deepEqual(groups.map((g) => g.runId), [1, 2]);
  assert.deepEqual(groups[0]!.checkpoints.map((c) => c.step), [30, 10]);
  const two = groups[1]!;
  assert.deepEqual(two.checkpoints.map((c) => [c.step, c.done, c.total]), [[20, 16, 128], [10, 64, 64]]);
  assert.equal(two.counts.running, 1);
  assert.equal(two.rate, 8);
  assert.equal(two.etaSeconds, (48 + 64) / 8, "what is left of running and queued jobs at the running rate");
  assert.equal(groups[0]!.etaSeconds, null, "nothing running: no ETA");
  assert.deepEqual(countStates(jobs), { running: 1, queued: 1, paused: 1, failed: 1, cancelled: 0, done: 1 });
  assert.deepEqual(groupQueue(jobs, [1, 2], new Set(["failed"])).map((g) => g.checkpoints.map((c) => c.jobs.map((j) => j.jobId))), [[[4]]]);
  assert.deepEqual(groupQueue([], [1]), []);
});

test("durations read as seconds, minutes or hours", () => {
  assert.equal(formatDuration(44.6), "45 s");
  assert.equal(formatDuration(200), "3 min 20 s");
  assert.equal(formatDuration(180), "3 min");
  assert.equal(formatDuration(7500), "2 h 5 min");
  assert.equal(formatDuration(-3), "0 s");
});
