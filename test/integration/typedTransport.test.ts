// The drift view's series (and its metric panels') over serve mode's HTTP: the answer is a typed envelope whose
// columns equal what the core returns in process, in real units, NaN where a value is missing.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { Core } from "../../main/core/core.js";
import { startServer } from "../../main/server/server.js";
import { TYPED_ENVELOPE_TYPE, decodeTyped } from "../../shared/wire/typedEnvelope.js";
import type { DriftSeries, MetricColumns } from "../../shared/views.js";
import { Store } from "../../main/core/store/store.js";
import { buildScoresDb } from "../support/scoresDb.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

test("getDriftSeries over HTTP is a typed envelope equal to the core's answer; other calls stay JSON", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const ids = buildScoresDb(db, { runs: 4, checkpoints: 300, traits: 2, contexts: 2 });
  const core = new Core({ dbPath: db, demoDir: join(dir, "demo"), transport: "http" });
  const server = await startServer({ core, rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0 });
  t.after(async () => {
    await server.close();
    await core.close();
  });
  const args = { runIds: ids, contexts: ["none"], columns: 100, smoothing: 0.5 };
  const post = (method: string, body: unknown) => fetch(`http://127.0.0.1:${server.port}/api/${method}`, { method: "POST", headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const res = await post("getDriftSeries", args);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), TYPED_ENVELOPE_TYPE);
  const wire = decodeTyped(await res.arrayBuffer()) as DriftSeries;
  const local = await core.call("getDriftSeries", args);
  assert.equal(wire.runs.length, 8);
  assert.ok(wire.groups.length > 0, "group means travel too");
  const plain = (d: DriftSeries) => JSON.stringify(d, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array, (x) => (Number.isNaN(x) ? "NaN" : x)) : v));
  assert.equal(plain(wire), plain(local));
  for (const s of wire.runs) {
    assert.ok(s.steps instanceof Int32Array && s.mean instanceof Float32Array && s.smoothed instanceof Float32Array);
    assert.ok(s.steps.length <= 2 * 100 + 2 && s.of === 300, "cut to the columns asked for");
    assert.ok(s.mean.every((v) => v > 0 && v < 1), "values in their own units (0-1 here), not scaled integers");
  }
  // A bad argument is still answered as JSON, and other calls are JSON.
  const bad = await post("getDriftSeries", { runIds: "x" });
  assert.equal(bad.status, 400);
  assert.match(bad.headers.get("content-type") ?? "", /application\/json/);
  assert.match(((await bad.json()) as { error: string }).error, /runIds/);
  const runs = await post("listRuns", {});
  assert.match(runs.headers.get("content-type") ?? "", /application\/json/);
});

test("getMetricSeries over HTTP is a typed envelope too: typed columns equal to the core's, NaN kept", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const store = Store.open(db);
  const run = store.runs.registerRun({ path: join(dir, "run") });
  store.metrics.addMetrics(run.id, Array.from({ length: 3000 }, (_, step) => ({ key: "reward", step, value: step === 10 ? null : Math.cos(step / 100), wallTime: 1_767_225_600 + step })), "test");
  store.close();
  const core = new Core({ dbPath: db, demoDir: join(dir, "demo"), transport: "http" });
  const server = await startServer({ core, rendererDir: join(PROJECT_ROOT, "dist", "renderer"), port: 0 });
  t.after(async () => {
    await server.close();
    await core.close();
  });
  const args = { runIds: [run.id], keys: ["reward"], columns: 64, times: true, smoothing: 0.6 };
  const res = await fetch(`http://127.0.0.1:${server.port}/api/getMetricSeries`, { method: "POST", headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" }, body: JSON.stringify(args) });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), TYPED_ENVELOPE_TYPE);
  const [wire] = decodeTyped(await res.arrayBuffer()) as MetricColumns[];
  const [local] = await core.call("getMetricSeries", args);
  assert.ok(wire!.values instanceof Float64Array && wire!.wallTimes instanceof Float64Array && wire!.smoothed instanceof Float64Array);
  assert.equal(wire!.of, 3000);
  assert.deepEqual(Array.from(wire!.steps), Array.from(local!.steps));
  assert.deepEqual(Array.from(wire!.values), Array.from(local!.values));
  assert.deepEqual(Array.from(wire!.wallTimes!), Array.from(local!.wallTimes!));
  assert.ok(Array.from(wire!.values).some(Number.isNaN), "the missing value at step 10 travels as NaN");
});
