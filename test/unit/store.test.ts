import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { DatabaseOpenError } from "../../main/core/store/database.js";
import { APPLICATION_ID } from "../../main/core/store/database.js";
import { MIGRATIONS, SCHEMA_VERSION } from "../../main/core/store/schema.js";
import { EventBus } from "../../main/core/events/bus.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { Store } from "../../main/core/store/store.js";
import { oldScoredWorkspace } from "../support/oldWorkspace.js";
import { tempDir } from "../support/tmp.js";

test("a new workspace gets every entity, WAL and foreign keys", (t) => {
  const path = join(tempDir(t), "w.db");
  const store = Store.open(path);
  t.after(() => store.close());
  const tables = (store.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  for (const table of ["annotation", "backend", "checkpoint", "context", "job", "metric", "run", "sample", "score", "suite", "trait"]) {
    assert.ok(tables.includes(table), `missing table ${table}`);
  }
  assert.equal(store.db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(store.db.pragma("foreign_keys", { simple: true }), 1);
  assert.equal(store.db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
});

test("reopening an up-to-date workspace keeps its data", (t) => {
  const path = join(tempDir(t), "w.db");
  const a = Store.open(path);
  a.runs.registerRun({ path: "/runs/a", group: "inoculated", seed: 3 });
  a.close();
  const b = Store.open(path);
  t.after(() => b.close());
  const runs = b.runs.listRuns();
  assert.equal(runs.length, 1);
  assert.equal(runs[0]!.group, "inoculated");
  assert.equal(runs[0]!.seed, 3);
});

test("a version-1 workspace migrates forward with its data, and score changes bump the run's version from then on", (t) => {
  const path = join(tempDir(t), "w.db");
  const raw = new Database(path);
  raw.exec(MIGRATIONS[0]!);
  raw.pragma("user_version = 1");
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  raw.prepare(`INSERT INTO run (id, name, path, format_setting, status, created_at) VALUES (1, 'old', '/runs/old', 'auto', 'finished', 'x')`).run();
  raw.close();
  const store = Store.open(path);
  t.after(() => store.close());
  assert.equal(store.db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  assert.equal(store.runs.listRuns()[0]!.name, "old");
  const version = () => (store.db.prepare("SELECT scores_version AS v FROM run WHERE id = 1").get() as { v: number }).v;
  assert.equal(version(), 0);
  store.runs.markComplete(1, { step: 10, path: "/runs/old/checkpoint-10", kind: "lora" }, "fp", []);
  const afterCheckpoint = version();
  store.db.exec(`INSERT INTO suite (id, suite_key, version, name, content, imported_at) VALUES (1, 's', 'v', 'S', '{}', 'x');
    INSERT INTO trait (id, suite_id, trait_key, name, polarity, role) VALUES (1, 1, 't', 'T', 'higher_is_trait', 'control');
    INSERT INTO context (id, trait_id, context_key, role) VALUES (1, 1, 'none', 'neutral');`);
  const cp = store.runs.listCheckpoints(1)[0]!.id;
  store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, 1, 1, 0.5, 0.4, 0.6, 3, 0, 'x')`).run(cp);
  const afterInsert = version();
  assert.ok(afterInsert > afterCheckpoint);
  store.db.prepare(`UPDATE score SET mean = 0.7 WHERE checkpoint_id = ?`).run(cp);
  const afterUpdate = version();
  assert.ok(afterUpdate > afterInsert, "an update with the same timestamp still counts");
  store.runs.markComplete(1, { step: 10, path: "/runs/old/checkpoint-10", kind: "lora" }, "fp2", []);
  assert.ok(version() > afterUpdate, "a re-completed checkpoint (new completion time) counts");
});

test("scores stored before the series index (schema 7) are found by it after the migration, and so are scores written without their run and step", (t) => {
  const path = join(tempDir(t), "w.db");
  oldScoredWorkspace(path, 7);
  const store = Store.open(path);
  t.after(() => store.close());
  const series = () => store.probes.scoreSeries([1], undefined, ["none"], false, true)[0]!;
  assert.deepEqual(series().steps, [40, 80], "in step order, though checkpoint ids run the other way");
  assert.deepEqual(series().mean, [0.4, 0.8]);
  store.runs.markComplete(1, { step: 60, path: "/runs/old/checkpoint-60", kind: "lora" }, "fp", []);
  const cp = store.runs.listCheckpoints(1).find((c) => c.step === 60)!.id;
  store.db.prepare(`INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at) VALUES (?, 1, 1, 0.6, 0.5, 0.7, 3, 0, 'x')`).run(cp);
  assert.deepEqual(series().steps, [40, 60, 80]);
  assert.deepEqual(series().mean, [0.4, 0.6, 0.8]);
});

test("a database from a newer Driftscope is refused with its version, and left untouched", (t) => {
  const path = join(tempDir(t), "w.db");
  Store.open(path).close();
  const raw = new Database(path);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
  raw.close();
  const before = readFileSync(path);
  assert.throws(
    () => Store.open(path),
    (err: unknown) => err instanceof DatabaseOpenError && err.message.includes(`schema version ${SCHEMA_VERSION + 5}`) && err.message.includes(path),
  );
  assert.deepEqual(readFileSync(path), before);
});

test("a corrupt file is refused with a clear error and never overwritten", (t) => {
  const dir = tempDir(t);
  const garbage = join(dir, "garbage.db");
  writeFileSync(garbage, Buffer.from("this is not a database at all, just text that someone saved here\n".repeat(100)));
  const before = readFileSync(garbage);
  assert.throws(() => Store.open(garbage), /not a SQLite database.*left untouched/);
  assert.deepEqual(readFileSync(garbage), before);

  // A real workspace whose pages were damaged after the header.
  const damaged = join(dir, "damaged.db");
  const s = Store.open(damaged);
  for (let i = 0; i < 200; i++) s.runs.registerRun({ path: `/runs/${i}` });
  s.db.pragma("wal_checkpoint(TRUNCATE)");
  s.close();
  const bytes = readFileSync(damaged);
  bytes.fill(0xa5, 4096, bytes.length); // every page after the first
  writeFileSync(damaged, bytes);
  const snapshot = readFileSync(damaged);
  assert.throws(() => Store.open(damaged), (err: unknown) => err instanceof DatabaseOpenError && /damaged|malformed|not a database/i.test(err.message));
  assert.deepEqual(readFileSync(damaged), snapshot);
});

test("another program's SQLite file is not mistaken for a workspace", (t) => {
  const path = join(tempDir(t), "other.db");
  const raw = new Database(path);
  raw.exec("CREATE TABLE notes (text TEXT)");
  raw.close();
  assert.throws(() => Store.open(path), /not a Driftscope workspace/);
});

test("the same folder is the same run; names stay unique", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const a = store.runs.registerRun({ path: "/x/baseline" });
  const again = store.runs.registerRun({ path: "/x/baseline", group: "g" });
  assert.equal(again.id, a.id);
  assert.equal(again.group, "g");
  const other = store.runs.registerRun({ path: "/y/baseline" });
  assert.notEqual(other.name, a.name);
  assert.throws(() => store.runs.registerRun({ path: "/z", name: a.name }), /already exists/);
  assert.equal(store.runs.findRun(a.name)?.id, a.id);
  assert.equal(store.runs.findRun(String(other.id))?.id, other.id);
});

test("a checkpoint marked gone keeps its row and the events name what changed", (t) => {
  const bus = new EventBus();
  const store = Store.open(join(tempDir(t), "w.db"), { publish: bus.publish });
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: "/r" });
  const events: string[] = [];
  bus.subscribe((e) => events.push(e.type === "checkpoint-changed" ? `${e.type}:${e.step}:${e.state}` : e.type));
  store.runs.markComplete(run.id, { step: 10, path: "/r/checkpoint-10", kind: "full" }, "fp", ["model.safetensors"]);
  store.runs.markGone(run.id, "/r/checkpoint-10");
  store.runs.markGone(run.id, "/r/checkpoint-10"); // idempotent: no second event
  const [c] = store.runs.listCheckpoints(run.id);
  assert.equal(c!.state, "gone");
  assert.ok(c!.completedAt);
  assert.deepEqual(events, ["checkpoint-changed:10:pending", "checkpoint-changed:10:gone"]);
});

test("metrics upsert on (key, step) and keep nulls", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: "/r" });
  store.metrics.addMetrics(run.id, [{ key: "kl", step: 1, value: null, wallTime: null }, { key: "reward", step: 1, value: 0.5, wallTime: 1700000000 }], "test");
  store.metrics.addMetrics(run.id, [{ key: "reward", step: 1, value: 0.75, wallTime: 1700000000 }], "test");
  assert.deepEqual(store.metrics.listMetrics(run.id), [
    { key: "kl", step: 1, value: null, wallTime: null },
    { key: "reward", step: 1, value: 0.75, wallTime: "2023-11-14T22:13:20.000Z" },
  ]);
});

test("one quantity, one series: TensorBoard's train/ and eval/ keys join log_history's, whose values win in either order", (t) => {
  for (const order of [["trainer_state", "tfevents"], ["tfevents", "trainer_state"]] as const) {
    const store = Store.open(join(tempDir(t), "w.db"));
    const run = store.runs.registerRun({ path: "/r" });
    const write = {
      trainer_state: () => store.metrics.addMetrics(run.id, [{ key: "reward", step: 1, value: 0.1234567890123, wallTime: null }, { key: "eval_loss", step: 1, value: 2, wallTime: null }], "trainer_state"),
      tfevents: () =>
        store.metrics.addMetrics(run.id, [
          { key: "train/reward", step: 1, value: Math.fround(0.1234567890123), wallTime: 1700000000 },
          { key: "train/reward", step: 2, value: 0.5, wallTime: 1700000010 },
          { key: "eval/loss", step: 1, value: 2.0000001, wallTime: 1700000000 },
          { key: "train/", step: 1, value: 1, wallTime: null },
          { key: "custom/thing", step: 1, value: 3, wallTime: null },
        ], "tfevents"),
    };
    for (const source of order) write[source]();
    const reward = store.metrics.listMetrics(run.id, "reward");
    assert.deepEqual(reward.map((m) => [m.step, m.value]), [[1, 0.1234567890123], [2, 0.5]], `${order.join(" then ")}: trainer_state's float64 value, TensorBoard's extra step`);
    assert.equal(reward[0]!.wallTime, "2023-11-14T22:13:20.000Z", "the wall time only TensorBoard has is kept");
    assert.deepEqual(store.metrics.listMetrics(run.id, "eval_loss").map((m) => m.value), [2]);
    assert.deepEqual(store.metrics.metricKeys(run.id), ["custom/thing", "eval_loss", "reward", "train/"], "other keys as written");
    assert.deepEqual(store.metrics.metricSources(run.id).find((s) => s.key === "reward")!.sources, ["trainer_state", "tfevents"], "sources, the preferred first");
    store.close();
  }
});

test("samples are stored once: a repeat is left as it was, and the count of new rows says so", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const suite = store.probes.saveSuite(parseSuite("s.yaml", "id: s\nname: S\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n"), null);
  const run = store.runs.registerRun({ path: "/r" });
  store.runs.markComplete(run.id, { step: 1, path: "/r/checkpoint-1", kind: "full" }, "fp", []);
  const cp = store.runs.listCheckpoints(run.id)[0]!;
  const trait = suite.traits[0]!;
  const row = (index: number, response: string) => ({ checkpointId: cp.id, traitId: trait.id, contextId: trait.contexts[0]!.id, item: "a", index, prompt: "x", response, score: 1, scores: {}, nullReason: null, latencyMs: 1, tokens: 1 });
  assert.equal(store.probes.insertSamples([]), 0);
  assert.equal(store.probes.insertSamples([row(0, "first"), row(1, "first")]), 2);
  assert.equal(store.probes.insertSamples([row(1, "second"), row(2, "second")]), 1, "only sample 2 is new");
  assert.deepEqual(store.probes.listSamples(run.id, 1).map((s) => [s.sample, s.response]), [[0, "first"], [1, "first"], [2, "second"]]);
  assert.deepEqual([...store.probes.sampleKeys(cp.id, trait.id, trait.contexts[0]!.id)].sort(), ["a\u00000", "a\u00001", "a\u00002"]);
});
