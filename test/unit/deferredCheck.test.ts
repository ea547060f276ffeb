// The app opens a workspace without reading all of it first: SQLite's quick check runs on another thread, the first
// view's reads are answered meanwhile, and nothing is written until the check has passed. A workspace the check finds
// damaged stays unwritten, with the same message as one found damaged at opening.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Core } from "../../main/core/core.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

/** A workspace with a run and enough metric rows to fill many pages; damaged: three metric pages overwritten (the
 * header, the schema and the run stay intact, so reads of the runs still answer). */
function workspace(path: string, damaged: boolean): void {
  const store = Store.open(path);
  const run = store.runs.registerRun({ path: "/runs/a", name: "a" });
  store.metrics.addMetrics(run.id, Array.from({ length: 20_000 }, (_, i) => ({ key: "loss", step: i, value: 1 / (i + 1), wallTime: null })), "test");
  store.close();
  if (!damaged) return;
  const raw = new Database(path);
  raw.pragma("wal_checkpoint(TRUNCATE)");
  const pages = (raw.prepare(`SELECT pageno FROM dbstat WHERE name = 'metric' AND pagetype = 'leaf' ORDER BY pageno`).all() as { pageno: number }[]).map((r) => r.pageno);
  raw.close();
  assert.ok(pages.length > 20, `${pages.length} metric pages`);
  const bytes = readFileSync(path);
  for (const p of [pages[Math.floor(pages.length / 3)]!, pages[Math.floor(pages.length / 2)]!, pages[Math.floor((2 * pages.length) / 3)]!]) bytes.fill(0x5a, (p - 1) * 4096 + 100, p * 4096);
  writeFileSync(path, bytes);
}

test("a deferred check: reads answer at once, writes fail until the check passes, then succeed", async (t) => {
  const path = join(tempDir(t), "w.db");
  workspace(path, false);
  const store = Store.open(path, { deferCheck: true });
  t.after(() => store.close());
  assert.equal(store.checking, true);
  assert.equal(store.runs.listRuns().length, 1, "reads answer before the check");
  assert.throws(() => store.runs.registerRun({ path: "/runs/b" }), (err: unknown) => /readonly|read-only/i.test(String((err as { code?: string }).code ?? err)));
  store.startCheck();
  await store.checked;
  assert.equal(store.checking, false);
  assert.equal(store.damage, null);
  store.runs.registerRun({ path: "/runs/b" });
  assert.equal(store.runs.listRuns().length, 2, "written once the check passed");
});

test("a deferred check that finds damage leaves the workspace unwritten, saying what is wrong and how to recover", async (t) => {
  const path = join(tempDir(t), "w.db");
  workspace(path, true);
  const before = readFileSync(path);
  const store = Store.open(path, { deferCheck: true });
  try {
    store.startCheck();
    await store.checked;
    assert.match(store.damage ?? "", /the workspace is damaged \(SQLite's check: .*\)\. It was opened read-only and will not be written\. To recover: `driftscope restore BACKUP/);
    assert.throws(() => store.runs.registerRun({ path: "/runs/b" }));
    assert.equal(store.runs.listRuns().length, 1, "reads still answer");
  } finally {
    store.close();
  }
  assert.deepEqual(readFileSync(path), before, "the file's bytes are unchanged");
  assert.ok(!existsSync(`${path}-wal`) || readFileSync(`${path}-wal`).length === 0, "nothing was written to a WAL either");
});

test("a workspace that must be migrated, or a new one, is checked before opening even when the check may be deferred", (t) => {
  const dir = tempDir(t);
  const fresh = Store.open(join(dir, "new.db"), { deferCheck: true });
  t.after(() => fresh.close());
  assert.equal(fresh.checking, false, "a new workspace is written at once (its schema)");
  fresh.runs.registerRun({ path: "/runs/a" });
  const old = join(dir, "old.db");
  workspace(old, false);
  const raw = new Database(old);
  // Back to schema 9 (before the packed series), as an older Driftscope left it.
  raw.pragma("user_version = 9");
  raw.exec(`DROP TABLE score_pack; DROP TABLE score_pack_stale; DROP TRIGGER score_insert_stales_pack; DROP TRIGGER score_update_stales_pack;
    DROP TRIGGER score_update_stales_old_pack; DROP TRIGGER score_delete_stales_pack; DROP TRIGGER run_delete_drops_packs`);
  raw.close();
  const migrated = Store.open(old, { deferCheck: true });
  t.after(() => migrated.close());
  assert.equal(migrated.checking, false, "checked, then migrated, before it is handed over");
  migrated.runs.registerRun({ path: "/runs/b" });
});

test("the app's core answers the first view while the check runs; other calls wait for it, and a damaged workspace refuses them", async (t) => {
  const dir = tempDir(t);
  const sound = join(dir, "sound.db");
  workspace(sound, false);
  const core = new Core({ dbPath: sound, demoDir: join(dir, "demo"), transport: "http", deferCheck: true });
  t.after(() => core.close());
  const runs = core.call("listRuns", {});
  const note = core.call("createAnnotation", { runId: 1, step: 10, text: "after the check" });
  assert.equal((await runs).length, 1);
  assert.equal((await note).text, "after the check", "a write waits for the check, then goes through");
  await core.ready;

  const broken = join(dir, "damaged.db");
  workspace(broken, true);
  const bytes = readFileSync(broken);
  const damaged = new Core({ dbPath: broken, demoDir: join(dir, "demo2"), transport: "http", deferCheck: true });
  try {
    assert.equal((await damaged.call("listRuns", {})).length, 1, "reads answer");
    await assert.rejects(damaged.call("createAnnotation", { runId: 1, step: 10, text: "never" }), /the workspace is damaged/);
    assert.match(damaged.damage ?? "", /damaged/);
  } finally {
    await damaged.close();
  }
  assert.deepEqual(readFileSync(broken), bytes, "the damaged file's bytes are unchanged");
});

test("the app's core starts the check once no call has been in flight for a moment, and writing begins after it", async (t) => {
  const dir = tempDir(t);
  const path = join(dir, "w.db");
  workspace(path, false);
  const core = new Core({ dbPath: path, demoDir: join(dir, "demo"), transport: "http", deferCheck: true });
  t.after(() => core.close());
  let checked = false;
  void core.ready.then(() => (checked = true));
  // A page loading its first view: calls every 200 ms for 2.5 s.
  for (let i = 0; i < 12; i++) {
    await core.call("getDriftSeries", { runIds: [1] });
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(checked, false, "not started while calls keep coming");
  const t0 = performance.now();
  await core.ready;
  const waited = performance.now() - t0;
  assert.ok(waited >= 1000 && waited < 8000, `started once idle (after ${waited.toFixed(0)} ms)`);
  assert.equal(core.damage, null);
  await core.call("createAnnotation", { runId: 1, step: 1, text: "written" });
});

test("a workspace closed before its deferred check could answer is not called damaged, and was never written", async (t) => {
  const dir = tempDir(t);
  for (const started of [false, true]) {
    const path = join(dir, `w-${started}.db`);
    workspace(path, false);
    const store = Store.open(path, { deferCheck: true });
    if (started) store.startCheck();
    store.close();
    await store.checked;
    assert.equal(store.damage, null, `check ${started ? "started" : "not started"}: closing is not damage`);
    const again = Store.open(path);
    assert.equal(again.runs.listRuns().length, 1);
    again.close();
  }
});
