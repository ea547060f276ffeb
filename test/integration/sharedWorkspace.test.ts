// Several processes, one workspace: two `watch --once` processes started together on the same run share the work
// through job leases, so every prompt is asked once in all and every sample is stored once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import { resolveSuite } from "../../main/core/probes/probeConfig.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Prober } from "../../main/core/schedule/prober.js";
import { Store } from "../../main/core/store/store.js";
import { probeServices } from "../support/probeServices.js";
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

// The race the two processes above can hit, made deterministic: B lists the checkpoint while A is probing it, and
// looks at its jobs only after A has finished them. B must not load the model again nor report the step as probed.
test("a checkpoint another process finished after it was chosen is not loaded or counted again", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 1 });
  t.after(() => policy.close());
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const suite = await resolveSuite(store.probes, writeTestSuite(dir, { items: 2, samples: 1 }));
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: policy.url, maxConcurrency: 2 }, "t"));
  const judge = createBackend(parseBackendConfig({ name: "j", kind: "openai", baseUrl: policy.url, model: "stand-in-base", maxConcurrency: 2 }, "t"));
  const plan = { suites: [suite], backend, judge };
  const a = new Prober(probeServices(store), plan);
  const b = new Prober(probeServices(store), plan); // a second lease holder, as a second process has
  const chosenByB = store.runs.listCheckpoints(run.id)[0]!;
  assert.equal(await a.probeCheckpoint(chosenByB, run.name), "done");
  assert.deepEqual(policy.stats.loads, ["run-step10"]);
  assert.equal(await b.probeCheckpoint(chosenByB, run.name), "busy", "someone else's work, not probed again");
  assert.deepEqual(policy.stats.loads, ["run-step10"], "no second load");

  // A process that finished every job but stopped before settling the checkpoint: the next one settles it, still
  // without loading the model.
  store.probes.setCheckpointState(chosenByB.id, "probing");
  assert.equal(await b.probeCheckpoint(chosenByB, run.name), "done");
  assert.equal(store.probes.checkpointState(chosenByB.id), "done");
  assert.deepEqual(policy.stats.loads, ["run-step10"]);
});
