// The completeness rule, clause by clause, on a clock the test moves and mtimes it sets: a checkpoint is complete
// when its scanner says it is whole and its listing (every file's name, size and mtime) has not changed for the
// quiet period. A change of any one of those restarts the period; a marker written last but torn keeps it
// incomplete however long it sits; a full-length file of zeros is not whole.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { EventBus } from "../../main/core/events/bus.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { tempDir } from "../support/tmp.js";

const QUIET = 1000;
/** A fixed moment, in whole seconds so mtimes set through utimes read back exactly. */
const T0 = 2_000_000_000_000;

function setup(t: Parameters<typeof tempDir>[0]) {
  const dir = tempDir(t);
  const root = join(dir, "run");
  const cp = join(root, "checkpoint-10");
  writeFilesNow(cp, [...hfCheckpointFiles(10, "lora"), { name: "extra.txt", text: "notes\n" }]);
  // Every file written "at" T0 + 500: within the quiet period of the polls below, so only the listing's history
  // decides (a checkpoint whose newest file is older than the quiet period at first sight is complete at once).
  const all = ["README.md", "adapter_model.safetensors", "adapter_config.json", "tokenizer_config.json", "training_args.bin", "trainer_state.json", "extra.txt"];
  for (const f of all) utimesSync(join(cp, f), (T0 + 500) / 1000, (T0 + 500) / 1000);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  const pollAt = (ms: number) => new RunPoller(store, run.id, { quietPeriodMs: QUIET, now: () => T0 + ms }).poll();
  const state = () => store.runs.listCheckpoints(run.id).find((c) => c.step === 10)?.state;
  return { cp, pollAt, state };
}

const changes: [string, (cp: string) => void][] = [
  ["its size", (cp) => (writeFileSync(join(cp, "extra.txt"), "notes, longer now\n"), utimesSync(join(cp, "extra.txt"), (T0 + 500) / 1000, (T0 + 500) / 1000))],
  ["its name", (cp) => (renameSync(join(cp, "extra.txt"), join(cp, "extra-2.txt")), utimesSync(join(cp, "extra-2.txt"), (T0 + 500) / 1000, (T0 + 500) / 1000))],
  ["its mtime", (cp) => utimesSync(join(cp, "extra.txt"), (T0 + 600) / 1000, (T0 + 600) / 1000)],
];

for (const [what, change] of changes) {
  test(`a file whose ${what.replace("its ", "")} changes during the quiet period restarts it`, async (t) => {
    const { cp, pollAt, state } = setup(t);
    await pollAt(100); // first seen: the period starts at T0 + 100
    assert.equal(state(), "incomplete");
    change(cp);
    await pollAt(900); // changed: the period starts again at T0 + 900
    assert.equal(state(), "incomplete");
    await pollAt(1200); // 1100 ms after first sight, only 300 ms after the change
    assert.equal(state(), "incomplete", `a change of ${what} restarted the quiet period`);
    await pollAt(1950); // 1050 ms after the change
    assert.equal(state(), "pending", "complete once the changed listing sat still for the quiet period");
  });
}

test("with no change, the quiet period from first sight is enough", async (t) => {
  const { pollAt, state } = setup(t);
  await pollAt(100);
  await pollAt(900);
  assert.equal(state(), "incomplete");
  await pollAt(1150);
  assert.equal(state(), "pending");
});

test("a marker written last but torn keeps the checkpoint incomplete however long it sits, until it is whole", async (t) => {
  const { cp, pollAt, state } = setup(t);
  const marker = join(cp, "trainer_state.json");
  const whole = readFileSync(marker, "utf8");
  truncateSync(marker, Math.floor(whole.length / 2));
  await pollAt(100);
  await pollAt(60_000);
  assert.equal(state(), "incomplete", "a torn trainer_state.json is not a checkpoint that finished saving");
  writeFileSync(marker, whole);
  utimesSync(marker, (T0 + 60_000) / 1000, (T0 + 60_000) / 1000);
  await pollAt(60_100);
  assert.equal(state(), "incomplete", "whole now, and the quiet period starts again");
  await pollAt(61_200);
  assert.equal(state(), "pending");
});

test("a full-length safetensors file of zeros (its size set before any bytes) is not whole", async (t) => {
  const { cp, pollAt, state } = setup(t);
  const weights = join(cp, "adapter_model.safetensors");
  const size = statSync(weights).size;
  writeFileSync(weights, Buffer.alloc(size));
  utimesSync(weights, (T0 + 500) / 1000, (T0 + 500) / 1000);
  await pollAt(100);
  await pollAt(60_000);
  assert.equal(state(), "incomplete");
});

test("a settling checkpoint says which rule it waits on, once per change of rule, not on every poll", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  const cp = join(root, "checkpoint-10");
  // The marker is not written yet.
  writeFilesNow(cp, hfCheckpointFiles(10, "lora").filter((f) => f.name !== "trainer_state.json"));
  const bus = new EventBus();
  const store = Store.open(join(dir, "w.db"), { publish: bus.publish });
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  const said: string[] = [];
  bus.subscribe((e) => {
    if (e.type === "checkpoint-changed") said.push(`${e.state}${e.reason ? `: ${e.reason}` : ""}`);
  });
  const pollAt = (ms: number) => new RunPoller(store, run.id, { quietPeriodMs: QUIET, now: () => Date.now() + ms }).poll();
  await pollAt(0);
  await pollAt(0);
  await pollAt(0);
  writeFilesNow(cp, hfCheckpointFiles(10, "lora").filter((f) => f.name === "trainer_state.json"));
  await pollAt(0);
  await pollAt(0);
  await pollAt(5 * QUIET);
  assert.deepEqual(said, ["incomplete: trainer_state.json not written yet", "incomplete: files changed within the quiet period (1 s)", "pending"]);
});

test("the quiet period's ends are inclusive: exactly the period since first sight, or since the newest mtime, is enough", async (t) => {
  const since = setup(t);
  await since.pollAt(100);
  await since.pollAt(1099);
  assert.equal(since.state(), "incomplete", "1 ms short");
  await since.pollAt(1100);
  assert.equal(since.state(), "pending", "exactly the quiet period after first sight");
  const mtime = setup(t);
  await mtime.pollAt(1499);
  assert.equal(mtime.state(), "incomplete", "the newest file is 999 ms old at first sight");
  const again = setup(t);
  await again.pollAt(1500);
  assert.equal(again.state(), "pending", "the newest file is exactly the quiet period old at first sight: complete at once");
});

test("a checkpoint that stays incomplete is reported once it has sat unchanged for six quiet periods, not before, and once", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  // An empty checkpoint folder (no files, so no mtime to go by) and one whose marker is torn.
  mkdirSync(join(root, "checkpoint-10"), { recursive: true });
  writeFilesNow(join(root, "checkpoint-20"), hfCheckpointFiles(20, "lora"));
  const marker = join(root, "checkpoint-20", "trainer_state.json");
  truncateSync(marker, 10);
  for (const f of readdirSync(join(root, "checkpoint-20"))) utimesSync(join(root, "checkpoint-20", f), (T0 + 500) / 1000, (T0 + 500) / 1000);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  const problems: string[] = [];
  const pollAt = (ms: number) => new RunPoller(store, run.id, { quietPeriodMs: QUIET, now: () => T0 + ms, onProblem: (_p, m) => problems.push(m) }).poll();
  await pollAt(500); // first sight of both
  await pollAt(500 + 6 * QUIET - 1);
  assert.equal(problems.length, 0, `not yet, just short of six quiet periods: ${problems.join("; ")}`);
  await pollAt(500 + 6 * QUIET);
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems.find((p) => p.includes("checkpoint-10"))!, /checkpoint-10: checkpoint is not complete: /);
  assert.match(problems.find((p) => p.includes("checkpoint-20"))!, /checkpoint-20: checkpoint is not complete: .*trainer_state\.json/);
  await pollAt(500 + 9 * QUIET);
  assert.equal(problems.length, 2, "said once, not on every poll");
  const states = Object.fromEntries(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state]));
  assert.deepEqual(states, { 10: "incomplete", 20: "incomplete" });
});

test("a run folder that cannot be read puts the run in error, and the run recovers when it can be read again", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  const poll = () => new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  await poll();
  const format = store.runs.getRun(run.id)!.format;
  assert.ok(format);
  renameSync(root, `${root}.away`);
  const away = await poll();
  assert.equal(store.runs.getRun(run.id)!.status, "error");
  assert.match(store.runs.getRun(run.id)!.statusMessage!, /run: /);
  assert.equal(away.complete, 0);
  assert.deepEqual(store.runs.listCheckpoints(run.id).map((c) => c.state), ["pending"], "an unreachable folder does not make its checkpoints gone");
  renameSync(`${root}.away`, root);
  const back = await poll();
  const fresh = store.runs.getRun(run.id)!;
  assert.notEqual(fresh.status, "error");
  assert.equal(fresh.statusMessage, null);
  assert.deepEqual([back.complete, back.incomplete, back.gone, back.format], [1, 0, 0, format]);
});

test("the run's own state: a removed run cannot be polled; an empty folder waits for its first checkpoint; counts add up", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  mkdirSync(root);
  const bus = new EventBus();
  const store = Store.open(join(dir, "w.db"), { publish: bus.publish });
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  const gone: number[] = [];
  bus.subscribe((e) => {
    if (e.type === "checkpoint-changed" && e.state === "gone") gone.push(e.step);
  });
  const pollAt = (ms: number) => new RunPoller(store, run.id, { quietPeriodMs: QUIET, now: () => T0 + ms }).poll();
  // Nothing in it yet: watching, and saying what it waits for.
  const empty = await pollAt(0);
  assert.deepEqual(empty, { settling: 0, incomplete: 0, complete: 0, gone: 0, format: null });
  assert.deepEqual([store.runs.getRun(run.id)!.status, store.runs.getRun(run.id)!.statusMessage], ["watching", "waiting for the first checkpoint"]);
  // After an error, an empty folder is watched again.
  store.runs.setRunStatus(run.id, "error", "an earlier problem");
  await pollAt(0);
  assert.equal(store.runs.getRun(run.id)!.status, "watching");
  // One settling checkpoint (recent files) and one whose marker is missing: both incomplete, one of them settling.
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  for (const f of readdirSync(join(root, "checkpoint-10"))) utimesSync(join(root, "checkpoint-10", f), T0 / 1000, T0 / 1000);
  writeFilesNow(join(root, "checkpoint-20"), hfCheckpointFiles(20, "lora").filter((f) => f.name !== "adapter_config.json"));
  // Written long ago, and still missing its marker: not settling, waiting on the marker.
  for (const f of readdirSync(join(root, "checkpoint-20"))) utimesSync(join(root, "checkpoint-20", f), (T0 - 5 * QUIET) / 1000, (T0 - 5 * QUIET) / 1000);
  const first = await pollAt(100);
  assert.deepEqual([first.settling, first.incomplete, first.complete, first.gone], [1, 2, 0, 0]);
  assert.equal(store.runs.getRun(run.id)!.statusMessage, null, "a note about waiting goes once there are checkpoints");
  const later = await pollAt(100 + 2 * QUIET);
  assert.deepEqual([later.settling, later.incomplete, later.complete, later.gone], [0, 1, 1, 0]);
  // Polled again and again, a complete checkpoint stays pending and nothing is called gone.
  for (let i = 3; i < 6; i++) await pollAt(100 + i * QUIET);
  assert.deepEqual(Object.fromEntries(store.runs.listCheckpoints(run.id).map((c) => [c.step, c.state])), { 10: "pending", 20: "incomplete" });
  assert.deepEqual(gone, []);
  // The run is removed from the workspace: polling it is an error that says so.
  store.db.prepare(`DELETE FROM run WHERE id = ?`).run(run.id);
  await assert.rejects(pollAt(0), new RegExp(`run ${run.id} no longer exists`));
});

test("a link inside a checkpoint that leads out of the run folder is not followed (the checkpoint waits, saying why), unless asked", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora").filter((f) => f.name !== "README.md"));
  writeFileSync(join(dir, "outside.md"), "adapter\n");
  symlinkSync(join(dir, "outside.md"), join(root, "checkpoint-10", "README.md"));
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const c = store.runs.listCheckpoints(run.id)[0]!;
  assert.equal(c.state, "incomplete");
  assert.match(c.waitingFor!, /README\.md/);
  await new RunPoller(store, run.id, { quietPeriodMs: 0, followLinks: true }).poll();
  assert.equal(store.runs.listCheckpoints(run.id)[0]!.state, "pending", "followed when asked");
});
