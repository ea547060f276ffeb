// Bad input in a run folder: each problem is named by path, the watcher goes on, and nothing stored is lost.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { spawnSync } from "node:child_process";
import { fixture, needsFixture, PROJECT_ROOT } from "../support/sharedFixtures.js";
import { ageTree, hfCheckpointFiles, trainerState, writeFilesNow } from "../support/checkpoints.js";
import { harness, QUIET } from "../support/pollHelpers.js";
import { tempDir } from "../support/tmp.js";


test("truncated, malformed and non-UTF-8 trainer_state.json: named, the rest goes on, earlier data stays", async (t) => {
  const h = harness(t);
  writeFilesNow(join(h.root, "checkpoint-10"), hfCheckpointFiles(10, "full", [{ step: 10, reward: 0.1 }]));
  ageTree(h.root);
  await h.poll();
  assert.deepEqual(h.states(), { 10: "pending" });

  const bad = {
    20: '{\n  "global_step": 20,\n  "log_history": [\n    {"step": 20, "rew',
    30: '{\n  "global_step": 30,\n  "log_history": [}\n}\n',
  } as Record<number, string>;
  for (const [step, text] of Object.entries(bad)) {
    writeFilesNow(join(h.root, `checkpoint-${step}`), hfCheckpointFiles(Number(step), "full").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text } : f)));
  }
  writeFilesNow(join(h.root, "checkpoint-40"), hfCheckpointFiles(40, "full"));
  writeFileSync(join(h.root, "checkpoint-40", "trainer_state.json"), Buffer.concat([Buffer.from('{"global_step": 40, "x": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]));
  writeFilesNow(join(h.root, "checkpoint-50"), hfCheckpointFiles(50, "full", [{ step: 10, reward: 0.1 }, { step: 50, reward: 0.5 }]));
  ageTree(h.root);
  await h.poll(6 * QUIET + 1);

  assert.deepEqual(h.states(), { 10: "pending", 20: "incomplete", 30: "incomplete", 40: "incomplete", 50: "pending" });
  const byPath = Object.fromEntries(h.problems.map((p) => [p.path, p.message]));
  const cp = (s: number) => join(h.root, `checkpoint-${s}`);
  assert.match(byPath[cp(20)]!, new RegExp(`trainer_state.json:4:\\d+: invalid JSON.*truncated`));
  assert.match(byPath[cp(30)]!, /trainer_state.json:3:\d+: invalid JSON: value expected/);
  assert.match(byPath[cp(40)]!, /trainer_state.json: is not valid UTF-8 text/);
  assert.deepEqual(h.store.metrics.listMetrics(h.runId, "reward").map((m) => [m.step, m.value]), [[10, 0.1], [50, 0.5]]);
});

test("a 50 MB trainer_state.json is read whole", async (t) => {
  const h = harness(t);
  const history = [];
  for (let i = 1; history.length < 400_000; i++) history.push({ step: i, loss: 1 / i, reward: i % 7, kl: null, "rewards/format/mean": 0.5, epoch: i / 1000 });
  const text = trainerState(400_000, history);
  assert.ok(text.length > 50_000_000, `only ${text.length} bytes`);
  writeFilesNow(join(h.root, "checkpoint-400000"), hfCheckpointFiles(400_000, "lora").map((f) => (f.name === "trainer_state.json" ? { name: f.name, text } : f)));
  ageTree(h.root);
  const r = await h.poll();
  assert.equal(r.complete, 1);
  assert.equal(h.store.metrics.listMetrics(h.runId, "reward").length, 400_000);
  assert.deepEqual(h.problems, []);
});

test("a corrupted TensorBoard record is reported with its offset; the other events are kept", { skip: needsFixture("tfevents") }, async (t) => {
  const h = harness(t);
  writeFilesNow(join(h.root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
  const bytes = Buffer.from(readFileSync(fixture("tfevents/events.out.tfevents.1663764701.Dipeshs-MacBook-Pro.local.11515.0")));
  let pos = 0;
  for (let i = 0; i < 10; i++) pos += 12 + Number(bytes.readBigUInt64LE(pos)) + 4;
  bytes[pos + 20]! ^= 0x55;
  mkdirSync(join(h.root, "runs"));
  const tb = join(h.root, "runs", "events.out.tfevents.1663764701.host.1.0");
  writeFileSync(tb, bytes);
  ageTree(h.root);
  await h.poll();
  assert.equal(h.problems.length, 1);
  assert.equal(h.problems[0]!.path, tb);
  assert.match(h.problems[0]!.message, new RegExp(`record at byte ${pos}: data CRC mismatch`));
  const keys = h.store.metrics.metricKeys(h.runId).filter((k) => k.includes("/"));
  assert.deepEqual(keys, ["Accuracy/test", "Accuracy/train", "Loss/test", "Loss/train"]);
  assert.equal(keys.reduce((n, k) => n + h.store.metrics.listMetrics(h.runId, k).length, 0), 399);
  await h.poll(); // unchanged file: not re-read, not re-reported
  assert.equal(h.problems.length, 1);
});

test("a checkpoint name on a file, a link loop and a dangling link are reported; good checkpoints still count", async (t) => {
  const h = harness(t);
  writeFilesNow(join(h.root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
  writeFileSync(join(h.root, "checkpoint-2"), "I am a file");
  symlinkSync("checkpoint-3", join(h.root, "checkpoint-3"));
  symlinkSync(join(h.root, "nowhere"), join(h.root, "checkpoint-4"));
  mkdirSync(join(h.root, "real-5"));
  writeFilesNow(join(h.root, "real-5"), hfCheckpointFiles(5, "lora"));
  symlinkSync("real-5", join(h.root, "checkpoint-5")); // a link to a real checkpoint folder counts
  symlinkSync("..", join(h.root, "checkpoint-1", "loop")); // a loop inside a checkpoint is not followed
  ageTree(h.root);
  const r = await h.poll();
  assert.equal(r.complete, 2);
  const byPath = Object.fromEntries(h.problems.map((p) => [p.path.slice(h.root.length + 1), p.message]));
  assert.match(byPath["checkpoint-2"]!, /checkpoint-2: looks like a checkpoint but is not a folder/);
  assert.match(byPath["checkpoint-3"]!, /checkpoint-3: symbolic link loop/);
  assert.match(byPath["checkpoint-4"]!, /checkpoint-4: does not exist/);
});

test("CLI: a run folder that is a link loop, and an unreadable checkpoint folder, give clear messages", async (t) => {
  const dir = tempDir(t);
  chmodSync(dir, 0o755);
  const cli = join(PROJECT_ROOT, "bin", "driftscope.js");
  const loop = join(dir, "loop");
  symlinkSync("loop", loop);
  const a = spawnSync(process.execPath, [cli, "watch", loop, "--once", "--db", join(dir, "a.db")], { encoding: "utf8" });
  assert.equal(a.status, 2);
  assert.match(a.stderr, new RegExp(`${loop}: no such folder|symbolic link loop`));
  assert.doesNotMatch(a.stderr, /\n\s+at /); // no stack trace

  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
  writeFilesNow(join(root, "checkpoint-2"), hfCheckpointFiles(2, "full"));
  ageTree(root);
  chmodSync(join(root, "checkpoint-2"), 0o000);
  // As root, permissions do not bind; run the CLI as an unprivileged user so they do.
  const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const dbDir = join(dir, "db");
  mkdirSync(dbDir, { mode: 0o777 });
  chmodSync(dbDir, 0o777);
  const b = spawnSync(process.execPath, [cli, "watch", root, "--once", "--db", join(dbDir, "b.db"), "--quiet-period", "0.2"], { encoding: "utf8", ...asNobody, env: { ...process.env, HOME: dbDir } });
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stderr, new RegExp(`warning: ${join(root, "checkpoint-2")}: permission denied`));
  const list = spawnSync(process.execPath, [cli, "checkpoints", "run", "--db", join(dbDir, "b.db"), "--json"], { encoding: "utf8", ...asNobody });
  assert.deepEqual(JSON.parse(list.stdout).map((c: { step: number; state: string }) => [c.step, c.state]), [[1, "pending"]]);
});
