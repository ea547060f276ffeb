// The driftscope command end to end, as a newcomer runs it: demo, watch --once, runs, checkpoints, metrics.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

const CLI = join(PROJECT_ROOT, "bin", "driftscope.js");

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function treeHash(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    out[relative(dir, full)] = createHash("sha256").update(readFileSync(full)).digest("hex");
  }
  return out;
}

test("demo, then watch --once: every checkpoint pending, the reward curve in metrics", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const demo = cli(["demo", "--dir", join(dir, "d"), "--steps", "200", "--pace", "fast"]);
  assert.equal(demo.status, 0, demo.stderr);
  const watch = cli(["watch", join(dir, "d", "baseline"), "--once", "--db", db, "--quiet-period", "0.5", "--interval", "0.1"]);
  assert.equal(watch.status, 0, watch.stderr);

  const runs = JSON.parse(cli(["runs", "--json", "--db", db]).stdout);
  assert.equal(runs.length, 1);
  assert.deepEqual(Object.keys(runs[0]), ["id", "name", "path", "format", "group", "status", "statusMessage", "checkpoints", "latestStep"]);
  assert.equal(runs[0].format, "hf");
  assert.equal(runs[0].checkpoints, 10);
  assert.equal(runs[0].latestStep, 200);

  const cps = JSON.parse(cli(["checkpoints", "baseline", "--json", "--db", db]).stdout);
  assert.deepEqual(cps.map((c: { step: number }) => c.step), [20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  assert.ok(cps.every((c: { state: string; kind: string }) => c.state === "pending" && c.kind === "full"));
  assert.deepEqual(Object.keys(cps[0]), ["step", "path", "kind", "state", "detectedAt", "completedAt"]);

  const reward = JSON.parse(cli(["metrics", String(runs[0].id), "--key", "reward", "--json", "--db", db]).stdout);
  assert.equal(reward.length, 200);
  assert.deepEqual(Object.keys(reward[0]), ["key", "step", "value", "wallTime"]);
  const early = reward.slice(0, 20).reduce((a: number, m: { value: number }) => a + m.value, 0) / 20;
  const late = reward.slice(-20).reduce((a: number, m: { value: number }) => a + m.value, 0) / 20;
  assert.ok(late > early + 0.5, `reward should rise under RL: ${early} -> ${late}`);
  const all = JSON.parse(cli(["metrics", "baseline", "--json", "--db", db]).stdout) as { key: string; step: number }[];
  for (const key of ["kl", "reward_std", "rewards/spanish_reward/mean", "rewards/caps_style_reward/mean", "entropy", "loss"]) {
    assert.equal(all.filter((m) => m.key === key).length, 200, key);
  }
  const sorted = [...all].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step));
  assert.deepEqual(all, sorted);

  // The same folder again is the same run.
  cli(["watch", join(dir, "d", "baseline"), "--once", "--db", db, "--quiet-period", "0.5"]);
  assert.equal(JSON.parse(cli(["runs", "--json", "--db", db]).stdout).length, 1);
});

test("the demo writes the same files for the same seed, and the variants differ", async (t) => {
  const dir = tempDir(t);
  for (const name of ["a", "b"]) assert.equal(cli(["demo", "--dir", join(dir, name), "--steps", "60", "--save-every", "30", "--seed", "7"]).status, 0);
  cli(["demo", "--dir", join(dir, "c"), "--steps", "60", "--save-every", "30", "--seed", "8"]);
  const a = treeHash(join(dir, "a"));
  assert.deepEqual(a, treeHash(join(dir, "b")));
  assert.notDeepEqual(a, treeHash(join(dir, "c")));
  assert.deepEqual(Object.keys(a).filter((f) => f.startsWith("baseline/checkpoint-30/")).sort(), [
    "baseline/checkpoint-30/config.json",
    "baseline/checkpoint-30/generation_config.json",
    "baseline/checkpoint-30/model.safetensors",
    "baseline/checkpoint-30/trainer_state.json",
  ]);
  assert.notEqual(a["baseline/checkpoint-60/model.safetensors"], a["inoculated/checkpoint-60/model.safetensors"]);
  const state = JSON.parse(readFileSync(join(dir, "a", "inoculated", "checkpoint-60", "trainer_state.json"), "utf8"));
  assert.equal(state.global_step, 60);
  assert.equal(state.log_history.length, 60);
  assert.ok(["reward", "kl", "rewards/spanish_reward/mean"].every((k) => k in state.log_history[0]));
  assert.match(readFileSync(join(dir, "a", "inoculated", "checkpoint-60", "config.json"), "utf8"), /miniature/);
});

test("--json prints only JSON; errors go to stderr with a non-zero exit", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const runs = cli(["runs", "--json", "--db", db]);
  assert.equal(runs.status, 0);
  assert.deepEqual(JSON.parse(runs.stdout), []);
  const unknown = cli(["checkpoints", "nope", "--json", "--db", db]);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /no run "nope"/);
  const badFlag = cli(["watch", dir, "--interval", "soon", "--db", db]);
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /--interval expects a number of seconds/);
  const badFormat = cli(["watch", dir, "--format", "pattern:(unclosed", "--db", db]);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /invalid regular expression/);
  assert.equal(cli(["frobnicate"]).status, 2);

  // A workspace from a newer Driftscope: a clear message, exit 1, file untouched.
  const raw = new Database(db);
  raw.pragma("user_version = 999");
  raw.close();
  const before = readFileSync(db);
  const newer = cli(["runs", "--db", db]);
  assert.equal(newer.status, 1);
  assert.match(newer.stderr, /newer Driftscope \(schema version 999/);
  assert.doesNotMatch(newer.stderr, /\n\s+at /);
  assert.deepEqual(readFileSync(db), before);
});

test("DRIFTSCOPE_DB chooses the workspace when --db is absent", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "env.db");
  cli(["demo", "--dir", join(dir, "d"), "--steps", "20", "--save-every", "10", "--variant", "inoculated"]);
  assert.equal(cli(["watch", join(dir, "d", "inoculated"), "--once", "--quiet-period", "0.2"], { DRIFTSCOPE_DB: db }).status, 0);
  assert.equal(JSON.parse(cli(["runs", "--json"], { DRIFTSCOPE_DB: db }).stdout)[0].name, "inoculated");
});

test("watch keeps watching a live demo and stops cleanly on Ctrl-C", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const demo = spawn(process.execPath, [CLI, "demo", "--dir", join(dir, "d"), "--steps", "60", "--save-every", "10", "--variant", "baseline", "--pace", "live"], { stdio: "ignore" });
  const demoDone = new Promise((r) => demo.on("exit", r));
  await new Promise((r) => setTimeout(r, 300));
  const watcher = spawn(process.execPath, [CLI, "watch", join(dir, "d", "baseline"), "--db", db, "--interval", "0.2", "--quiet-period", "0.5"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  watcher.stderr.on("data", (d) => (stderr += d));
  const pendingSeen = () => (stderr.match(/: pending/g) ?? []).length;
  // Live pace writes a checkpoint every few seconds; wait until at least two have been detected as they land.
  for (let i = 0; i < 200 && pendingSeen() < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(pendingSeen() >= 2, stderr);
  watcher.kill("SIGINT");
  const code = await new Promise((r) => watcher.on("exit", (c) => r(c)));
  assert.equal(code, 0, stderr);
  demo.kill("SIGINT");
  await demoDone;
  const cps = JSON.parse(cli(["checkpoints", "baseline", "--json", "--db", db]).stdout) as { state: string }[];
  assert.ok(cps.filter((c) => c.state === "pending").length >= 2);
  const check = new Database(db, { readonly: true });
  assert.equal(check.pragma("integrity_check", { simple: true }), "ok");
  check.close();
});

test("watch DIR started before the trainer creates DIR waits for it (saying so once), then watches it", async (t) => {
  const dir = tempDir(t);
  const root = join(dir, "not-yet", "run");
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "driftscope.js"), "watch", root, "--interval", "0.1", "--quiet-period", "0", "--db", join(dir, "w.db")]);
  let stderr = "";
  const seen = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`never printed ${re}: ${stderr}`)), 30_000);
      const check = () => {
        if (re.test(stderr)) {
          clearTimeout(timer);
          child.stderr.off("data", check);
          resolve();
        }
      };
      child.stderr.on("data", check);
      check();
    });
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await seen(/does not exist yet; waiting for it to appear/);
  // Several polls pass with no folder: the note is not repeated.
  await new Promise((r) => setTimeout(r, 500));
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  await seen(/watching run "run"/);
  await seen(/step 10: pending/);
  child.kill("SIGINT");
  assert.equal(await exited, 0, stderr);
  assert.equal(stderr.match(/waiting for it to appear/g)!.length, 1, stderr);
  // A path that exists and is not a folder is an error at once.
  const file = join(dir, "a-file");
  writeFileSync(file, "x");
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "bin", "driftscope.js"), "watch", file, "--db", join(dir, "w.db")], { encoding: "utf8" });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /a-file: is not a folder/);
});
