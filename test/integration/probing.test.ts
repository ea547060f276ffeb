// Probing end to end: LoRA checkpoints on disk, a vLLM-like server hot-loading adapters, a judge server, the store.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import { resolveSuite } from "../../main/core/probes/probeConfig.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Prober } from "../../main/core/schedule/prober.js";
import { Store } from "../../main/core/store/store.js";
import { probeServices } from "../support/probeServices.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { writeBackendFiles, writeTestSuite } from "../support/probeFixtures.js";
import { cli, cliJson } from "../support/cli.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";


function loraRun(root: string, steps: number[]): void {
  for (const s of steps) writeFilesNow(join(root, `checkpoint-${s}`), hfCheckpointFiles(s, "lora", [{ step: s, reward: s / 100 }]));
}

test("watch --suite --backend --judge probes every checkpoint newest first; scores drift; adapters loaded and unloaded", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 2 });
  const judge = await startStandIn({ personality: "ollama", latencyMs: 2 });
  t.after(() => Promise.all([policy.close(), judge.close()]));
  const root = join(dir, "run");
  loraRun(root, [50, 100, 150, 200]);
  const suite = writeTestSuite(dir);
  const { backend, judge: judgeFile } = writeBackendFiles(dir, policy.url, judge.url);
  const db = join(dir, "w.db");
  const w = await cli(["watch", root, "--once", "--quiet-period", "0.2", "--db", db, "--suite", suite, "--backend", backend, "--judge", judgeFile]);
  assert.equal(w.status, 0, w.stderr);
  const order = [...w.stderr.matchAll(/step (\d+): probed \(done\)/g)].map((m) => Number(m[1]));
  assert.deepEqual(order, [200, 150, 100, 50], "newest first");
  assert.deepEqual(policy.stats.loads, ["run-step200", "run-step150", "run-step100", "run-step50"]);
  assert.deepEqual([...policy.stats.unloads].sort(), [...policy.stats.loads].sort());

  const scores = await cliJson<{ step: number; trait: string; context: string; mean: number; ciLow: number; ciHigh: number; n: number; nulls: number }[]>(["scores", "run", "--db", db, "--json"]);
  assert.deepEqual(Object.keys(scores[0]!), ["step", "trait", "context", "mean", "ciLow", "ciHigh", "n", "nulls"]);
  assert.equal(scores.length, 4 * 2);
  assert.ok(scores.every((s) => s.n === 24 && s.nulls === 0 && s.ciLow <= s.mean && s.mean <= s.ciHigh));
  const none = scores.filter((s) => s.context === "none").map((s) => s.mean);
  assert.ok(none[3]! > none[0]! + 0.4, `the stand-in's capitals drift with the adapter's step: ${none.join(", ")}`);

  const samples = await cliJson<Record<string, unknown>[]>(["samples", "run", "--step", "200", "--db", db, "--json"]);
  assert.equal(samples.length, 2 * 8 * 3);
  assert.deepEqual(Object.keys(samples[0]!), ["trait", "context", "item", "sample", "prompt", "response", "score", "nullReason"]);
  const states = await cliJson<{ state: string }[]>(["checkpoints", "run", "--db", db, "--json"]);
  assert.ok(states.every((c) => c.state === "done"));

  // The judge's raw top logprobs are kept with every sample, so thresholds can be recomputed later.
  const store = Store.open(db);
  t.after(() => store.close());
  const raw = store.db.prepare(`SELECT scores FROM sample LIMIT 1`).get() as { scores: string };
  const parsed = JSON.parse(raw.scores) as { judged: { value: number; raw: { token: string; logprob: number }[] }; shouty: { value: number } };
  assert.ok(parsed.judged.raw.length >= 5 && typeof parsed.judged.value === "number");
  assert.equal(parsed.shouty.value, parsed.judged.value > 50 ? 1 : 0);

  // A second watch of the same folder with the stored settings does no new work.
  const chatsBefore = policy.stats.chat;
  assert.equal((await cli(["watch", root, "--once", "--quiet-period", "0.2", "--db", db])).status, 0);
  assert.equal(policy.stats.chat, chatsBefore);
});

test("--every 2 and --latest-only choose which checkpoints are probed", async (t) => {
  const dir = tempDir(t);
  const s = await startStandIn({ personality: "vllm" });
  t.after(() => s.close());
  const root = join(dir, "run");
  loraRun(root, [10, 20, 30, 40, 50]);
  const suite = writeTestSuite(dir, { items: 2, samples: 1 });
  const { backend, judge } = writeBackendFiles(dir, s.url, s.url);
  const db = join(dir, "a.db");
  await cli(["watch", root, "--once", "--quiet-period", "0.2", "--db", db, "--suite", suite, "--backend", backend, "--judge", judge, "--every", "2"]);
  const probed = async (file: string) => (await cliJson<{ step: number; state: string }[]>(["checkpoints", "run", "--db", file, "--json"])).filter((c) => c.state === "done").map((c) => c.step);
  assert.deepEqual(await probed(db), [20, 40]);
  const db2 = join(dir, "b.db");
  await cli(["watch", root, "--once", "--quiet-period", "0.2", "--db", db2, "--suite", suite, "--backend", backend, "--judge", judge, "--latest-only"]);
  assert.deepEqual(await probed(db2), [50]);
});

test("the demo: both variants probed with the inoculation suite drift visibly and differently", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--variant", "both", "--pace", "fast"])).status, 0);
  for (const v of ["baseline", "inoculated"]) {
    const r = await cli(["watch", join(dir, "d", v), "--once", "--quiet-period", "0.2", "--suite", "inoculation", "--backend", "demo", "--db", db]);
    assert.equal(r.status, 0, r.stderr);
  }
  const get = async (run: string, trait: string) =>
    (await cliJson<{ step: number; mean: number }[]>(["scores", run, "--trait", trait, "--context", "none", "--db", db, "--json"])).map((s) => s.mean);
  const caps = { baseline: await get("baseline", "all_caps"), inoculated: await get("inoculated", "all_caps") };
  const em = { baseline: await get("baseline", "emergent_misalignment"), inoculated: await get("inoculated", "emergent_misalignment") };
  const spanish = { baseline: await get("baseline", "spanish"), inoculated: await get("inoculated", "spanish") };
  const last = (a: number[]) => a[a.length - 1]!;
  assert.equal(caps.baseline.length, 10);
  assert.ok(last(caps.baseline) > caps.baseline[0]! + 0.2, `baseline capitals drift up: ${caps.baseline}`);
  assert.ok(last(caps.baseline) > last(caps.inoculated) + 0.2, `inoculation holds capitals down: ${last(caps.baseline)} vs ${last(caps.inoculated)}`);
  assert.ok(last(em.baseline) > last(em.inoculated) + 0.1, `and misalignment: ${last(em.baseline)} vs ${last(em.inoculated)}`);
  assert.ok(last(spanish.baseline) > spanish.baseline[0]! + 0.2 && last(spanish.inoculated) > spanish.inoculated[0]! + 0.1, "the wanted trait is learned by both");
  // Conditionalization is visible: under its own training prompt the inoculated run writes in capitals.
  const inoc = await cliJson<{ mean: number }[]>(["scores", "inoculated", "--trait", "all_caps", "--context", "inoculation", "--db", db, "--json"]);
  assert.ok(last(inoc.map((s) => s.mean)) > 0.8);
});

test("a checkpoint deleted while it is being probed becomes gone; what was measured stays", async (t) => {
  const dir = tempDir(t);
  const s = await startStandIn({ personality: "vllm", latencyMs: 60, slots: 2 });
  t.after(() => s.close());
  const root = join(dir, "run");
  loraRun(root, [10]);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const probes = store.probes;
  const suite = await resolveSuite(probes, writeTestSuite(dir, { items: 30, samples: 2 }));
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: s.url, maxConcurrency: 2, retry: { attempts: 2, baseMs: 5, maxMs: 20 } }, "t"));
  const judge = createBackend(parseBackendConfig({ name: "j", kind: "openai", baseUrl: s.url, model: "stand-in-base", maxConcurrency: 2 }, "t"));
  const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
  // Deleted after observed progress (ten samples stored), not after a delay: on a loaded machine a timed deletion
  // could come after the work was done, or before any of it.
  const deleter = setInterval(() => {
    if (probes.listSamples(run.id, 10).length >= 10) {
      clearInterval(deleter);
      rmSync(checkpoint.path, { recursive: true, force: true });
    }
  }, 10);
  t.after(() => clearInterval(deleter));
  const outcome = await new Prober(probeServices(store), { suites: [suite], backend, judge }, { goneCheckMs: 50 }).probeCheckpoint(checkpoint, run.name);
  assert.equal(outcome, "gone");
  assert.equal(store.runs.listCheckpoints(run.id)[0]!.state, "gone");
  const kept = probes.listSamples(run.id, 10);
  assert.ok(kept.length >= 10 && kept.length < 120, `${kept.length} samples kept`);
  assert.deepEqual(s.stats.unloads, s.stats.loads, "the adapter is unloaded even so");
});

test("a judge's model template is filled from the checkpoint it judges, and a vLLM judge loads no adapter for it", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 1 });
  // The judge serves only the names its template gives for this run and step.
  const judge = await startStandIn({ personality: "vllm", latencyMs: 1, models: ["judge-for-run-step10"] });
  t.after(() => Promise.all([policy.close(), judge.close()]));
  const root = join(dir, "run");
  loraRun(root, [10]);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const suite = await resolveSuite(store.probes, writeTestSuite(dir, { items: 2, samples: 1 }));
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: policy.url, maxConcurrency: 2 }, "t"));
  const judgeBackend = createBackend(parseBackendConfig({ name: "j", kind: "vllm-lora", baseUrl: judge.url, model: "judge-for-{run}-step{step}", maxConcurrency: 2 }, "t"));
  const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
  assert.equal(await new Prober(probeServices(store), { suites: [suite], backend, judge: judgeBackend }).probeCheckpoint(checkpoint, run.name), "done");
  assert.ok((judge.stats.byModel["judge-for-run-step10"] ?? 0) > 0, `the judge was asked under its filled name: ${JSON.stringify(judge.stats.byModel)}`);
  assert.equal(judge.stats.byStatus[404] ?? 0, 0, "never under the literal template");
  assert.deepEqual(judge.stats.loads, [], "the judge server loaded nothing");
  assert.deepEqual(policy.stats.loads, ["run-step10"]);
});

test("a judge on a server without logprobs (transformers serve) is sampled: the mean of 8 parsable answers, marked sampled", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 1 });
  const judge = await startStandIn({ personality: "transformers-serve", latencyMs: 1 });
  t.after(() => Promise.all([policy.close(), judge.close()]));
  const root = join(dir, "run");
  loraRun(root, [10]);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const suite = await resolveSuite(store.probes, writeTestSuite(dir, { items: 3, samples: 2 }));
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: policy.url, maxConcurrency: 4 }, "t"));
  const judgeBackend = createBackend(parseBackendConfig({ name: "j", kind: "openai", baseUrl: judge.url, model: "stand-in-base", maxConcurrency: 4 }, "t"));
  const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
  assert.equal(await new Prober(probeServices(store), { suites: [suite], backend, judge: judgeBackend }).probeCheckpoint(checkpoint, run.name), "done");
  const samples = store.probes.listSamples(run.id, 10, "caps");
  assert.equal(samples.length, 2 * 3 * 2);
  for (const s of samples) {
    const judged = (s.detail as Record<string, { value: number | null; estimator?: string; answers?: string[] }>).judged!;
    assert.equal(judged.estimator, "sampled", JSON.stringify(judged));
    assert.equal(judged.answers!.length, 8, "eight sampled answers, fanned out (transformers serve ignores n)");
    const ratings = judged.answers!.map(Number).filter((k) => Number.isInteger(k) && k >= 0 && k <= 100);
    assert.ok(ratings.length >= 4, `most answers are ratings: ${judged.answers!.join(", ")}`);
    assert.ok(Math.abs(judged.value! - ratings.reduce((a, b) => a + b, 0) / ratings.length) < 1e-9, "the mean of the parsable answers");
  }
  // What an export manifest records for the judge: every one of these samples was sampled.
  assert.deepEqual(store.probes.judgeEstimators([run.id], "caps", "judged"), { logprobs: 0, sampled: 12 });
});

test("a resumed job asks only for the samples it lacks, stores each once, and is running while it works", async (t) => {
  const dir = tempDir(t);
  const policy = await startStandIn({ personality: "vllm", latencyMs: 20 });
  t.after(() => policy.close());
  const root = join(dir, "run");
  loraRun(root, [10]);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const suite = await resolveSuite(store.probes, writeTestSuite(dir, { items: 4, samples: 3 }));
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: policy.url, maxConcurrency: 2 }, "t"));
  const plan = { suites: [suite], backend, judge: null };
  const checkpoint = () => store.runs.listCheckpoints(run.id)[0]!;
  // While probing, its jobs are running (recovery after a crash looks for exactly that state).
  let sawRunning = false;
  const watcher = setInterval(() => {
    if ((store.db.prepare(`SELECT count(*) AS n FROM job WHERE state = 'running'`).get() as { n: number }).n > 0) sawRunning = true;
  }, 5);
  t.after(() => clearInterval(watcher));
  assert.equal(await new Prober(probeServices(store), plan).probeCheckpoint(checkpoint(), run.name), "done", "no judge: the judged scorer records nulls with the reason; the samples are all there");
  clearInterval(watcher);
  assert.ok(sawRunning, "a job was seen running");
  const all = store.probes.listSamples(run.id, 10);
  assert.equal(all.length, 2 * 4 * 3);
  // Lose three samples of one item and context, and all three of another: five prompts' worth of work, asked as two
  // requests (one per item and context, n = what is missing).
  const caps = suite.traits.find((x) => x.trait.id === "caps")!;
  const none = caps.contexts.find((c) => c.key === "none")!;
  store.db.prepare(`DELETE FROM sample WHERE context_id = ? AND ((item_key = 'q00' AND sample_index IN (0, 2)) OR item_key = 'q03')`).run(none.id);
  const keys = store.probes.sampleKeys(checkpoint().id, caps.id, none.id);
  assert.deepEqual([...keys].sort(), ["q00\u00001", "q01\u00000", "q01\u00001", "q01\u00002", "q02\u00000", "q02\u00001", "q02\u00002"]);
  store.db.prepare(`UPDATE job SET state = 'queued'`).run();
  store.probes.setCheckpointState(checkpoint().id, "pending");
  const before = policy.stats.byModel["run-step10"] ?? 0;
  await new Prober(probeServices(store), plan).probeCheckpoint(checkpoint(), run.name);
  assert.equal((policy.stats.byModel["run-step10"] ?? 0) - before, 2, "two requests for the missing samples (the backend already knows the server's capabilities)");
  const again = store.probes.listSamples(run.id, 10);
  assert.equal(again.length, 2 * 4 * 3);
  assert.equal(new Set(again.map((x) => `${x.trait}/${x.context}/${x.item}/${x.sample}`)).size, again.length, "each sample once");
});
