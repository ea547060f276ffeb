// The drift view's packed score series (scorePacks.ts): whatever is written to the score rows, by this connection or
// another, through inserts, updates, deletions or a renumbered checkpoint, the packed read equals a read of the rows;
// an appended checkpoint re-packs only the last chunk; a connection that may not write still reads true series.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { CHUNK_POINTS, chunkEnds, ScorePacks } from "../../main/core/store/scorePacks.js";
import { Store } from "../../main/core/store/store.js";
import { oldScoredWorkspace } from "../support/oldWorkspace.js";
import { tempDir } from "../support/tmp.js";

const suiteText = `id: s\nname: S\ntraits:\n  - id: caps\n    name: Caps\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    contexts:\n      - { id: none, role: neutral, system: null }\n      - { id: train, role: training, system: "Caps." }\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n`;

function workspace(t: Parameters<typeof tempDir>[0], path = join(tempDir(t), "w.db")) {
  const store = Store.open(path);
  t.after(() => store.close());
  const suite = store.probes.saveSuite(parseSuite("s.yaml", suiteText), null);
  const trait = suite.traits[0]!;
  const run = store.runs.registerRun({ path: "/r" });
  const checkpoint = (step: number, name = `checkpoint-${step}`) => {
    store.runs.markComplete(run.id, { step, path: `/r/${name}`, kind: "lora" }, "fp", []);
    return store.runs.listCheckpoints(run.id).find((c) => c.path === `/r/${name}`)!.id;
  };
  const score = (cp: number, mean: number | null, context = 0, s: Store = store) =>
    s.probes.saveScore(cp, trait.id, trait.contexts[context]!.id, { mean, ciLow: mean === null ? null : mean - 0.1, ciHigh: mean === null ? null : mean + 0.1, n: 4, nulls: 0 });
  return { path, store, run, trait, checkpoint, score };
}

/** Packed and row reads of every series of the run agree, point for point (Float32 of the row's value). */
function assertPacksTrue(store: Store, runId: number, packs = new ScorePacks(store.db)) {
  const contexts = (store.db.prepare("SELECT DISTINCT context_id AS c FROM score WHERE run_id = ?").all(runId) as { c: number }[]).map((r) => r.c);
  const read = packs.read([runId]);
  assert.equal(read.size, contexts.length, "one series per context with scores");
  for (const c of contexts) {
    const packed = read.get(`${runId}:${c}`)!;
    const rows = packs.fromRows(runId, c);
    assert.deepEqual(Array.from(packed.steps), Array.from(rows.steps));
    for (const col of ["mean", "ciLow", "ciHigh"] as const) assert.deepEqual(Array.from(packed[col]), Array.from(rows[col]), col);
  }
}

const stale = (store: Store) => (store.db.prepare("SELECT count(*) AS n FROM score_pack_stale").get() as { n: number }).n;
const chunks = (store: Store) => store.db.prepare("SELECT rowid, chunk, first_step, points FROM score_pack ORDER BY context_id, chunk").all() as { rowid: number; chunk: number; first_step: number; points: number }[];

test("chunks hold about CHUNK_POINTS points and never split one step's points", () => {
  const rows = (steps: number[]) => steps.map((s) => [s, 0, 0, 0] as [number, number, number, number]);
  assert.deepEqual(chunkEnds(rows([1, 2, 3, 4, 5]), 2), [2, 4, 5]);
  assert.deepEqual(chunkEnds(rows([1, 2, 2, 2, 3, 4]), 2), [4, 6]);
  assert.deepEqual(chunkEnds(rows([]), 2), []);
  assert.deepEqual(chunkEnds(rows([7, 7, 7]), 1), [3]);
});

test("packed series equal their rows through appends, inserts, updates, deletions and renumbering; an append re-packs one chunk", (t) => {
  const { store, run, trait, checkpoint, score } = workspace(t);
  const n = 2 * CHUNK_POINTS + 100;
  store.db.transaction(() => {
    for (let step = 1; step <= n; step++) {
      const cp = checkpoint(step * 10);
      score(cp, step % 17 === 0 ? null : Math.sin(step) / 3 + 0.5);
      if (step % 3 === 0) score(cp, step / n, 1);
    }
  })();
  assert.ok(stale(store) > 0, "the triggers noted the new rows");
  assertPacksTrue(store, run.id);
  assert.equal(stale(store), 0, "a read by a writer re-packs what it reads");
  const before = chunks(store);
  assert.equal(before.filter((c) => c.first_step > 0).length, 4, "3 chunks of the 'none' context, 1 of 'train'");

  // A new checkpoint at the end: only the last chunk of its series is written again.
  score(checkpoint((n + 1) * 10), 0.25);
  assertPacksTrue(store, run.id);
  const after = chunks(store);
  assert.deepEqual(after.slice(0, 2), before.slice(0, 2), "the first two chunks were left as they were");
  assert.notDeepEqual(after[2], before[2]);

  // A checkpoint between two others (a late-found one), a second checkpoint at an existing step, a changed value and a
  // null, a deleted checkpoint, and a renumbered one.
  score(checkpoint(15), 0.9);
  score(checkpoint(20, "checkpoint-20-again"), 0.1);
  score(store.runs.listCheckpoints(run.id).find((c) => c.step === 5000)!.id, 0.77);
  score(store.runs.listCheckpoints(run.id).find((c) => c.step === 5010)!.id, null);
  store.db.prepare("DELETE FROM checkpoint WHERE run_id = ? AND step = ?").run(run.id, 12_000);
  store.db.prepare("UPDATE checkpoint SET step = 3 WHERE run_id = ? AND step = ?").run(run.id, 20_000);
  assertPacksTrue(store, run.id);
  const none = new ScorePacks(store.db).read([run.id]).get(`${run.id}:${trait.contexts[0]!.id}`)!;
  assert.equal(none.steps[0], 3, "the renumbered checkpoint moved to the front");
  assert.equal(none.steps.filter((s) => s === 20).length, 2, "both checkpoints at step 20 are there");
  assert.ok(!none.steps.includes(12_000), "the deleted checkpoint is gone");
  assert.ok(Number.isNaN(none.mean[none.steps.indexOf(5010)]!), "a null stays missing");
  for (let i = 1; i < none.steps.length; i++) assert.ok(none.steps[i - 1]! <= none.steps[i]!, "in step order");
});

test("another connection's writes are seen, a connection that may not write reads rows, and a removed run leaves no packs", (t) => {
  const { path, store, run, checkpoint, score } = workspace(t);
  for (let step = 1; step <= 50; step++) score(checkpoint(step), step / 50);
  assertPacksTrue(store, run.id);
  // Another process (a CLI watch) scores a new checkpoint; this connection's next read shows it.
  const cp = checkpoint(51);
  const other = Store.open(path);
  score(cp, 0.123, 0, other);
  other.close();
  assert.equal(stale(store), 1);
  assertPacksTrue(store, run.id);

  // A read-only connection with a stale series: true series from the rows, nothing written.
  score(checkpoint(52), 0.5);
  const ro = new Database(path, { readonly: true });
  t.after(() => ro.close());
  const packsBefore = chunks(store);
  const read = new ScorePacks(ro).read([run.id]);
  const series = [...read.values()][0]!;
  assert.equal(series.steps[series.steps.length - 1], 52);
  assert.equal(series.mean[series.steps.length - 1], 0.5);
  assert.equal(stale(store), 1, "the read-only connection left the note for a writer");
  assert.deepEqual(chunks(store), packsBefore);
  // The same while the workspace's integrity check has not yet allowed writing (query_only).
  store.db.pragma("query_only = ON");
  assert.equal([...new ScorePacks(store.db).read([run.id]).values()][0]!.steps.length, 52);
  store.db.pragma("query_only = OFF");

  store.runs.removeRun(run.id, true);
  assert.equal(chunks(store).length, 0);
  assert.equal(stale(store), 0);
});

test("a workspace from before packs (schema 9) reads its old scores packed after the migration", (t) => {
  const path = join(tempDir(t), "w.db");
  oldScoredWorkspace(path, 9);
  const store = Store.open(path);
  t.after(() => store.close());
  assert.equal(stale(store), 1, "the migration noted the old series");
  const s = store.probes.seriesColumns([1])[0]!;
  assert.deepEqual(Array.from(s.steps), [40, 80]);
  assert.deepEqual(Array.from(s.mean), [Math.fround(0.4), Math.fround(0.8)]);
  assert.equal(stale(store), 0);
  assert.equal(chunks(store).length, 1);
});

test("series of two suite versions: the newer version's point wins per step, as in the row read", (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const text = (n: number) => suiteText.replace("name: S\n", `name: S v${n}\ndescription: version ${n}\n`);
  const v1 = store.probes.saveSuite(parseSuite("v1.yaml", text(1)), null);
  const v2 = store.probes.saveSuite(parseSuite("v2.yaml", text(2)), null);
  const run = store.runs.registerRun({ path: "/r" });
  for (const step of [10, 20, 30]) store.runs.markComplete(run.id, { step, path: `/r/checkpoint-${step}`, kind: "lora" }, "fp", []);
  const cp = new Map(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.id]));
  const put = (suite: typeof v1, step: number, mean: number) => store.probes.saveScore(cp.get(step)!, suite.traits[0]!.id, suite.traits[0]!.contexts[0]!.id, { mean, ciLow: mean, ciHigh: mean, n: 1, nulls: 0 });
  put(v1, 10, 0.1);
  put(v1, 20, 0.2);
  put(v2, 20, 0.25);
  put(v2, 30, 0.5);
  const [s] = store.probes.seriesColumns([run.id], "caps", "none");
  assert.deepEqual(Array.from(s!.steps), [10, 20, 30]);
  assert.deepEqual(Array.from(s!.mean), [0.1, 0.25, 0.5].map(Math.fround));
});

test("steps beyond Int32 are kept exactly: a chunk of them is packed as Float64 and the series read as Float64", (t) => {
  const { store, run, trait, checkpoint, score } = workspace(t);
  store.db.transaction(() => {
    for (let i = 1; i <= CHUNK_POINTS + 10; i++) score(checkpoint(i <= CHUNK_POINTS ? i : 3_000_000_000 + i), i / 2000);
  })();
  assertPacksTrue(store, run.id);
  assert.deepEqual((store.db.prepare("SELECT step_bytes AS b FROM score_pack ORDER BY chunk").all() as { b: number }[]).map((r) => r.b), [4, 8]);
  const s = new ScorePacks(store.db).read([run.id]).get(`${run.id}:${trait.contexts[0]!.id}`)!;
  assert.ok(s.steps instanceof Float64Array);
  assert.equal(s.steps[0], 1);
  assert.equal(s.steps[s.steps.length - 1], 3_000_000_000 + CHUNK_POINTS + 10);
  // One chunk of small steps is read as Int32 views over the stored bytes.
  const small = workspace(t);
  for (let i = 1; i <= 5; i++) small.score(small.checkpoint(i * 10), 0.5);
  const one = new ScorePacks(small.store.db).read([small.run.id]).get(`${small.run.id}:${small.trait.contexts[0]!.id}`)!;
  assert.ok(one.steps instanceof Int32Array);
  assert.deepEqual(Array.from(one.steps), [10, 20, 30, 40, 50]);
});

test("a damaged pack is read from its rows instead, and packed again", (t) => {
  const { store, run, trait, checkpoint, score } = workspace(t);
  for (let i = 1; i <= 30; i++) score(checkpoint(i), i / 30);
  assertPacksTrue(store, run.id);
  for (const bad of ["x'00'", "'text, not bytes'"]) {
    store.db.exec(`UPDATE score_pack SET data = ${bad}`);
    const s = new ScorePacks(store.db).read([run.id]).get(`${run.id}:${trait.contexts[0]!.id}`)!;
    assert.equal(s.steps.length, 30, "the series, from its rows");
    assert.equal(s.mean[29], 1);
    assert.equal(stale(store), 1, "noted to be packed again");
    assertPacksTrue(store, run.id);
    assert.equal(stale(store), 0);
    assert.equal((store.db.prepare("SELECT length(data) AS n FROM score_pack").get() as { n: number }).n, 30 * 16);
  }
});
