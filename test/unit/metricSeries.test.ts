// The drift view's metric panels: each run's metric cut per pixel column by the core (every spike kept, the ends
// kept, smoothing over every point), from columns the core keeps until they may have changed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Core } from "../../main/core/core.js";
import { Store } from "../../main/core/store/store.js";
import { MetricSeriesCache } from "../../main/core/store/metricSeriesCache.js";
import { metricSeries } from "../../main/core/views/metricSeries.js";
import { debiasedEma } from "../../shared/chart/smoothing.js";
import { tempDir } from "../support/tmp.js";

/** 20,000 steps of a slow wave, one spike up at step 12,345 and one down at 777, a gap at 5,000 and wall times. */
function longMetric(n = 20_000) {
  const steps = Float64Array.from({ length: n }, (_, i) => i);
  const values = Float64Array.from(steps, (s) => (s === 12_345 ? 50 : s === 777 ? -50 : s === 5000 ? NaN : Math.sin(s / 900)));
  const wallTimes = Float64Array.from(steps, (s) => 1_700_000_000 + s * 2);
  return { steps, values, wallTimes };
}

test("a long metric is cut per pixel column with every spike, both ends and the smoothing of every point", () => {
  const full = longMetric();
  const cut = metricSeries(7, "reward", full, { columns: 100, smoothing: 0.9 });
  assert.equal(cut.runId, 7);
  assert.equal(cut.key, "reward");
  assert.equal(cut.of, 20_000);
  assert.ok(cut.steps.length <= 3 * 100 + 2, `${cut.steps.length} points for 100 columns`);
  assert.ok(cut.steps instanceof Int32Array, "whole steps travel as Int32");
  const at = (step: number) => cut.values[Array.from(cut.steps).indexOf(step)];
  assert.equal(at(12_345), 50, "the spike up is kept");
  assert.equal(at(777), -50, "the spike down is kept");
  assert.ok(Number.isNaN(at(5000)!), "the gap is kept as a missing value");
  assert.equal(cut.steps[0], 0);
  assert.equal(cut.steps[cut.steps.length - 1], 19_999);
  // Smoothed over all 20,000 points, then taken at the points kept (not a moving average of the kept points).
  const ema = debiasedEma(full.values, 0.9);
  assert.deepEqual(Array.from(cut.smoothed!), Array.from(cut.steps, (s) => ema[s] ?? NaN));
  assert.equal(cut.wallTimes, undefined, "wall times only when asked for");
  const timed = metricSeries(7, "reward", full, { columns: 100, times: true });
  assert.deepEqual(Array.from(timed.wallTimes!), Array.from(timed.steps, (s) => 1_700_000_000 + s * 2));
  // A zoom: the range and one point beyond each end, cut to the columns.
  const zoomed = metricSeries(7, "reward", full, { columns: 100, range: [12_000, 13_000] });
  assert.equal(zoomed.steps[0], 11_999);
  assert.equal(zoomed.steps[zoomed.steps.length - 1], 13_001);
  assert.ok(Array.from(zoomed.steps).includes(12_345));
  // A short metric goes whole.
  const short = metricSeries(1, "kl", { steps: Float64Array.of(1, 2, 3), values: Float64Array.of(0.1, 0.2, 0.3), wallTimes: Float64Array.of(NaN, NaN, NaN) }, { columns: 100 });
  assert.deepEqual(Array.from(short.values), [0.1, 0.2, 0.3]);
  assert.equal(short.of, undefined);
});

test("metric columns are read once, then again only where written: from the step this process wrote, or whole after another connection's commit", (t) => {
  const db = join(tempDir(t), "w.db");
  const store = Store.open(db);
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: "/runs/a" });
  store.metrics.addMetrics(run.id, [0, 1, 2].map((step) => ({ key: "reward", step, value: step / 10, wallTime: null })), "test");
  const cache = new MetricSeriesCache(store.metrics);
  const first = cache.get(run.id, "reward");
  assert.deepEqual(Array.from(first.values), [0, 0.1, 0.2]);
  assert.ok(Number.isNaN(first.wallTimes[0]!), "no wall time is NaN");
  assert.equal(cache.get(run.id, "reward"), first, "unchanged: the same columns, not read again");
  // This process writes: the cache is told, and reads again from the first step written.
  store.metrics.addMetrics(run.id, [{ key: "reward", step: 3, value: 0.3, wallTime: 1_767_225_600 }], "test");
  assert.equal(cache.get(run.id, "reward"), first, "not told yet: kept (the core tells it on the store's event)");
  cache.written(run.id, ["kl"], 3);
  assert.equal(cache.get(run.id, "reward"), first, "another key written: kept");
  cache.written(run.id, ["reward"], 3);
  const second = cache.get(run.id, "reward");
  assert.deepEqual(Array.from(second.values), [0, 0.1, 0.2, 0.3]);
  assert.deepEqual(Array.from(second.steps), [0, 1, 2, 3]);
  assert.equal(second.wallTimes[3], 1_767_225_600);
  // A value replaced within the columns (a preferred source rewriting steps 1 and 2): read again from step 1 on.
  store.metrics.addMetrics(run.id, [1, 2].map((step) => ({ key: "reward", step, value: step, wallTime: null })), "test");
  cache.written(run.id, ["reward"], 1);
  assert.deepEqual(Array.from(cache.get(run.id, "reward").values), [0, 1, 2, 0.3]);
  // Another connection (a CLI `watch` in another process) commits: seen without being told.
  const other = new Database(db);
  other.prepare("UPDATE metric SET value = 9 WHERE step = 0").run();
  other.close();
  assert.deepEqual(Array.from(cache.get(run.id, "reward").values), [9, 1, 2, 0.3]);
  // A key the run never logged: empty columns.
  assert.equal(cache.get(run.id, "kl").steps.length, 0);
});

test("getMetricSeries through the core: cut to the columns asked for, and fresh after the run logs more", async (t) => {
  const dir = tempDir(t);
  const core = new Core({ dbPath: join(dir, "w.db"), demoDir: join(dir, "demo"), transport: "http" });
  t.after(() => core.close());
  const store = (core as unknown as { store: Store }).store;
  const run = store.runs.registerRun({ path: join(dir, "run") });
  store.metrics.addMetrics(run.id, Array.from({ length: 5000 }, (_, step) => ({ key: "reward", step, value: step === 4321 ? 100 : 0, wallTime: null })), "test");
  const [cut] = await core.call("getMetricSeries", { runIds: [run.id], keys: ["reward"], columns: 50 });
  assert.equal(cut!.of, 5000);
  assert.ok(Array.from(cut!.steps).includes(4321));
  store.metrics.addMetrics(run.id, [{ key: "reward", step: 5000, value: -100, wallTime: null }], "test");
  const [again] = await core.call("getMetricSeries", { runIds: [run.id], keys: ["reward"], columns: 50 });
  assert.equal(again!.steps[again!.steps.length - 1], 5000, "the new point is there: the core's event made it read again");
  // A checkpoint's page asks for one step's values only.
  const [one] = await core.call("getMetrics", { runIds: [run.id], keys: ["reward"], step: 4321 });
  assert.deepEqual(one!.points.map((p) => [p.step, p.value]), [[4321, 100]]);
});
