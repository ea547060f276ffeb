// Several processes, one workspace: two `watch --once` processes started together on the same run share the work
// through job leases, so every prompt is asked once in all and every sample is stored once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cli } from "../support/cli.js";
import { writeBackendFiles, writeTestSuite } from "../support/probeFixtures.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

const STEPS = [10, 20, 30, 40, 50, 60];
const ITEMS = 8;
const SAMPLES = 3;
const CONTEXTS = 2;

test("two watch processes on one run and workspace never ask the same prompt twice, and both exit 0", async (t) => {
  const dir = tempDir(t);
  // Latency keeps each checkpoint's probe long enough that the two processes overlap.
  const policy = await startStandIn({ personality: "vllm", latencyMs: 15 });
  const judge = await startStandIn({ personality: "vllm", latencyMs: 2 });
  t.after(() => Promise.all([policy.close(), judge.close()]));
  const root = join(dir, "run");
  for (const s of STEPS) writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "lora"));
  const suite = writeTestSuite(dir, { items: ITEMS, samples: SAMPLES });
  const { backend, judge: judgeFile } = writeBackendFiles(dir, policy.url, judge.url);
  const db = join(dir, "w.db");
  // Register first, so both processes start from the same run (registration itself is idempotent too).
  assert.equal((await cli(["watch", root, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  const args = ["watch", root, "--once", "--quiet-period", "0", "--db", db, "--suite", suite, "--backend", backend, "--judge", judgeFile];
  const [a, b] = await Promise.all([cli(args), cli(args)]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);

  // Each checkpoint's adapter was loaded by exactly one process: the other found its jobs leased.
  assert.deepEqual([...policy.stats.loads].sort(), STEPS.map((s) => `run-step${s}`).sort());
  const probedBy = (out: string) => [...out.matchAll(/step (\d+): probed \(done\)/g)].map((m) => Number(m[1]));
  assert.deepEqual([...probedBy(a.stderr), ...probedBy(b.stderr)].sort((x, y) => x - y), STEPS, "each checkpoint probed once, by one of them");
  // Every probe prompt requested once in all, apart from at most one capability check per checkpoint.
  const prompts = CONTEXTS * ITEMS;
  for (const s of STEPS) {
    const asked = policy.stats.byModel[`run-step${s}`] ?? 0;
    assert.ok(asked >= prompts && asked <= prompts + 1, `step ${s}: ${asked} requests for ${prompts} prompts`);
  }
  assert.ok(judge.stats.ok <= STEPS.length * prompts * SAMPLES + 2, `judge asked ${judge.stats.ok} times for ${STEPS.length * prompts * SAMPLES} samples`);

  const d = new Database(db, { readonly: true });
  t.after(() => d.close());
  const n = (d.prepare(`SELECT count(*) AS n, count(DISTINCT checkpoint_id || '/' || context_id || '/' || item_key || '/' || sample_index) AS u FROM sample`).get() as { n: number; u: number });
  assert.equal(n.n, STEPS.length * prompts * SAMPLES);
  assert.equal(n.u, n.n);
  const states = d.prepare(`SELECT state, count(*) AS n FROM checkpoint GROUP BY state`).all() as { state: string; n: number }[];
  assert.deepEqual(states, [{ state: "done", n: STEPS.length }]);
  const leased = (d.prepare(`SELECT count(*) AS n FROM job WHERE lease_owner IS NOT NULL`).get() as { n: number }).n;
  assert.equal(leased, 0, "both released their leases");
});
