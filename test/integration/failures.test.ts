// Probing failures are failures, and a damaged workspace is never written: a server answering 10% malformed 200s
// still completes every sample (each bad answer retried, only a persistent one recorded as a null with its reason);
// a server that always fails makes `watch --once` exit non-zero saying how many samples are missing; a workspace
// with damaged pages is opened read-only, reported by `doctor --workspace`, and a backup restores it.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cli, cliJson } from "../support/cli.js";
import { writeBackendFiles, writeTestSuite } from "../support/probeFixtures.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

test("with 10% malformed 200s every sample completes, each bad answer retried; watch --once exits 0", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 1, malformedRate: 0.1, seed: 3 });
  const judge = await startStandIn({ personality: "vllm", latencyMs: 1, malformedRate: 0.1, seed: 4 });
  t.after(() => Promise.all([policy.close(), judge.close()]));
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-5"), hfCheckpointFiles(5, "lora"));
  const suite = writeTestSuite(dir, { items: 20, samples: 3 });
  const { backend, judge: judgeFile } = writeBackendFiles(dir, policy.url, judge.url);
  const db = join(dir, "w.db");
  const w = await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db, "--suite", suite, "--backend", backend, "--judge", judgeFile]);
  assert.equal(w.status, 0, w.stderr);
  assert.ok(policy.stats.malformed + judge.stats.malformed >= 10, `malformed answers were sent: ${policy.stats.malformed} + ${judge.stats.malformed}`);
  const samples = await cliJson<{ response: string | null; score: number | null; nullReason: string | null }[]>(["samples", "run", "--step", "5", "--json", "--db", db]);
  assert.equal(samples.length, 2 * 20 * 3, "every sample stored");
  // Retried: with three tries, a 10% rate leaves about one in a thousand answers malformed to the end.
  const gaveUp = samples.filter((s) => s.response === null);
  assert.ok(gaveUp.length <= 3, `${gaveUp.length} samples without an answer`);
  for (const s of gaveUp) assert.match(s.nullReason ?? "", /^no answer: the server's answer was/);
  const jobs = (await cliJson<{ step: number; state: string }[]>(["checkpoints", "run", "--json", "--db", db])).map((c) => c.state);
  assert.deepEqual(jobs, ["done"]);
});

test("a server that always fails: watch --once exits non-zero and says how many samples are missing", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", errorRate: 1 });
  t.after(() => policy.close());
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-5"), hfCheckpointFiles(5, "lora"));
  const suite = writeTestSuite(dir, { items: 4, samples: 2 });
  const { backend } = writeBackendFiles(dir, policy.url, policy.url);
  const db = join(dir, "w.db");
  const w = await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db, "--suite", suite, "--backend", backend]);
  assert.equal(w.status, 1, w.stderr);
  assert.match(w.stderr, /driftscope: \d+ probe job\(s\) failed, 16 sample\(s\) missing: .*HTTP 5\d\d/);
  const runs = await cliJson<{ name: string }[]>(["runs", "--json", "--db", db]);
  assert.equal(runs.length, 1);
});

test("a workspace with damaged pages is opened read-only and never written; doctor --workspace reports it; a backup restores it", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  const root = join(dir, "run");
  // Enough rows to fill a few hundred pages (the newest checkpoint's log_history holds the whole run's metrics).
  for (let s = 1; s <= 40; s++) writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "full", s < 40 ? [] : Array.from({ length: 6000 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1), reward: i % 13, kl: i / 7 }))));
  assert.equal((await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  const backup = await cli(["backup", "--json", "--db", db]);
  assert.equal(backup.status, 0, backup.stderr);
  const backupFile = (JSON.parse(backup.stdout) as { file: string }).file;
  assert.ok(existsSync(backupFile));
  assert.deepEqual(await cliJson<string[]>(["backup", "--list", "--json", "--db", db]), [backupFile]);
  assert.equal((await cli(["doctor", "--workspace", "--db", db])).status, 0);

  // Damage three pages in the middle of the metrics table (the header, the schema and the runs stay intact, so a
  // look at the runs still answers while a write must be refused).
  const raw = new Database(db);
  raw.pragma("wal_checkpoint(TRUNCATE)");
  const metricPages = (raw.prepare(`SELECT pageno FROM dbstat WHERE name = 'metric' AND pagetype = 'leaf' ORDER BY pageno`).all() as { pageno: number }[]).map((r) => r.pageno);
  raw.close();
  const bytes = readFileSync(db);
  const pageSize = 4096;
  assert.ok(metricPages.length > 20, `${metricPages.length} metric pages`);
  const n = metricPages.length;
  for (const p of [metricPages[Math.floor(n / 3)]!, metricPages[Math.floor(n / 2)]!, metricPages[Math.floor((2 * n) / 3)]!]) bytes.fill(0x5a, (p - 1) * pageSize + 100, p * pageSize);
  writeFileSync(db, bytes);
  const damaged = readFileSync(db);

  const list = await cli(["runs", "--db", db]);
  assert.equal(list.status, 0, "reads still answer, read-only");
  assert.match(list.stderr, /the workspace is damaged \(SQLite's check: .*\)\. It was opened read-only and will not be written\. To recover: `driftscope restore BACKUP/);
  const watch = await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db]);
  assert.notEqual(watch.status, 0, "writing is refused");
  assert.match(watch.stderr, /damaged/);
  assert.doesNotMatch(watch.stderr, /\n\s+at /);
  const doctor = await cli(["doctor", "--workspace", "--db", db]);
  assert.equal(doctor.status, 1);
  assert.match(doctor.stdout, /workspace: DAMAGED/);
  assert.deepEqual(readFileSync(db), damaged, "the damaged file's bytes are unchanged");
  assert.ok(!existsSync(`${db}-wal`) || readFileSync(`${db}-wal`).length === 0, "nothing was written to a WAL either");

  const restore = await cli(["restore", backupFile, "--db", db]);
  assert.equal(restore.status, 0, restore.stderr);
  assert.match(restore.stdout, /kept as .*before-restore/);
  assert.equal((await cli(["doctor", "--workspace", "--db", db])).status, 0);
  const checkpoints = await cliJson<unknown[]>(["checkpoints", "run", "--json", "--db", db]);
  assert.equal(checkpoints.length, 40);
});
