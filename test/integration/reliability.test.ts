// Reliability: injected server faults, and a probing process killed (SIGKILL) at random moments, again and again.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import { seededRandom } from "../../main/core/util/random.js";
import { resolveSuite } from "../../main/core/probes/probeConfig.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Prober } from "../../main/core/schedule/prober.js";
import { Store } from "../../main/core/store/store.js";
import { probeServices } from "../support/probeServices.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { writeBackendFiles, writeTestSuite } from "../support/probeFixtures.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

test("under 10% 5xx, hung requests and 429 bursts every sample completes; a 400 is never retried", async (t) => {
  const dir = tempDir(t);
  const s = await startStandIn({
    personality: "vllm",
    latencyMs: 3,
    errorRate: 0.1,
    timeoutRate: 0.03,
    hangMs: 3000,
    burst429: { every: 37, length: 4, retryAfterS: 0.05 },
    seed: 7,
  });
  t.after(() => s.close());
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const probes = store.probes;
  const suite = await resolveSuite(probes, writeTestSuite(dir, { items: 25, samples: 3, badItem: true }));
  const cfg = { maxConcurrency: 16, timeoutMs: 400, retry: { attempts: 3, baseMs: 10, maxMs: 200 } };
  const backend = createBackend(parseBackendConfig({ name: "p", kind: "vllm-lora", baseUrl: s.url, ...cfg }, "t"));
  const judge = createBackend(parseBackendConfig({ name: "j", kind: "openai", baseUrl: s.url, model: "stand-in-base", ...cfg }, "t"));
  const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
  const outcome = await new Prober(probeServices(store), { suites: [suite], backend, judge }, { jobAttempts: 4 }).probeCheckpoint(checkpoint, run.name);

  // The faults really happened.
  assert.ok((s.stats.byStatus[429] ?? 0) >= 4, JSON.stringify(s.stats.byStatus));
  assert.ok((s.stats.byStatus[500] ?? 0) + (s.stats.byStatus[502] ?? 0) + (s.stats.byStatus[503] ?? 0) >= 10, JSON.stringify(s.stats.byStatus));
  // Every sample of the working trait, in both contexts, exactly once.
  const caps = probes.listSamples(run.id, 10, "caps");
  assert.equal(caps.length, 2 * 25 * 3);
  assert.equal(new Set(caps.map((x) => `${x.context}/${x.item}/${x.sample}`)).size, caps.length);
  assert.ok(caps.every((x) => x.score !== null));
  // The refused request was sent once per context, never again, and its job says why.
  assert.equal(s.stats.badRequests.size, 2);
  assert.ok([...s.stats.badRequests.values()].every((n) => n === 1), [...s.stats.badRequests.values()].join(","));
  assert.equal(outcome, "failed");
  const broken = store.db.prepare(`SELECT j.state, j.last_error FROM job j JOIN trait t ON t.id = j.trait_id WHERE t.trait_key = 'broken'`).all() as { state: string; last_error: string }[];
  assert.ok(broken.every((j) => j.state === "failed" && /HTTP 400/.test(j.last_error)), JSON.stringify(broken));
  const good = store.db.prepare(`SELECT j.state FROM job j JOIN trait t ON t.id = j.trait_id WHERE t.trait_key = 'caps'`).all() as { state: string }[];
  assert.ok(good.every((j) => j.state === "done"));
});

test("killed with SIGKILL at random moments, restarted each time: every sample exactly once, nothing lost", async (t) => {
  const dir = tempDir(t);
  const s = await startStandIn({ personality: "vllm", latencyMs: 40, slots: 4 });
  t.after(() => s.close());
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-5"), hfCheckpointFiles(5, "lora"));
  const suite = writeTestSuite(dir, { items: 60, samples: 4 });
  const { backend, judge } = writeBackendFiles(dir, s.url, s.url);
  const db = join(dir, "w.db");
  const cli = join(PROJECT_ROOT, "bin", "driftscope.js");
  const count = () => {
    if (!existsSync(db)) return 0;
    const d = new Database(db, { readonly: true });
    try {
      return (d.prepare(`SELECT count(*) AS n FROM sample`).get() as { n: number }).n;
    } catch {
      return 0; // before the first migration has run
    } finally {
      d.close();
    }
  };
  // A kill lands after observed progress (the store holds `killAfterSamples` more samples than when the run started),
  // never after a wall-clock delay: on a loaded machine a timed kill can come after the work is already done.
  const run = (args: string[], killAfterSamples?: number) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
      const start = killAfterSamples === undefined ? 0 : count();
      const child = spawn(process.execPath, [cli, ...args]);
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      const timer =
        killAfterSamples === undefined
          ? null
          : setInterval(() => {
              if (count() >= start + killAfterSamples) child.kill("SIGKILL");
            }, 25);
      child.on("close", (code, signal) => {
        if (timer) clearInterval(timer);
        resolve({ code, signal, stderr });
      });
    });
  const watched = await run(["watch", root, "--once", "--quiet-period", "0", "--db", db]);
  assert.equal(watched.code, 0, watched.stderr);
  const probeArgs = ["probe", "run", "--step", "5", "--db", db, "--suite", suite, "--backend", backend, "--judge", judge];
  const rng = seededRandom(42);
  let kills = 0;
  const counts: number[] = [];
  for (let i = 0; i < 6; i++) {
    // 480 samples in all; each interrupted run adds 10-49 of them, so six runs leave work for the last one.
    const r = await run(probeArgs, 10 + Math.floor(rng() * 40));
    if (r.signal === "SIGKILL") kills++;
    counts.push(count());
  }
  assert.ok(kills >= 3, `the process was killed mid-probe ${kills} times`);
  assert.ok(counts.every((c) => c < 480), `a kill landed mid-work each time: ${counts.join(", ")}`);
  assert.ok(counts.some((c, i) => c > (counts[i - 1] ?? 0)), `progress survived kills: ${counts.join(", ")}`);
  // Before the last, uninterrupted run: which (context, item) prompts still miss samples. It must ask for exactly
  // those (one request each, n = the missing count) plus its capability check, and nothing already stored.
  const before = new Database(db, { readonly: true });
  const incomplete = (before.prepare(`SELECT count(*) AS n FROM (SELECT context_id, item_key FROM sample GROUP BY context_id, item_key HAVING count(*) = 4)`).get() as { n: number }).n;
  before.close();
  const missingPrompts = 2 * 60 - incomplete;
  assert.ok(missingPrompts > 0, "work was left for the last run");
  const requestsBefore = s.stats.byModel["run-step5"] ?? 0;
  const final = await run(probeArgs);
  assert.equal(final.code, 0, final.stderr);
  const finalRequests = (s.stats.byModel["run-step5"] ?? 0) - requestsBefore;
  assert.equal(finalRequests, missingPrompts + 1, `the restart asked ${finalRequests} times for ${missingPrompts} incomplete prompts (+1 capability check)`);
  const d = new Database(db, { readonly: true });
  t.after(() => d.close());
  const rows = d.prepare(`SELECT context_id, item_key, sample_index FROM sample`).all() as { context_id: number; item_key: string; sample_index: number }[];
  assert.equal(rows.length, 2 * 60 * 4);
  assert.equal(new Set(rows.map((r) => `${r.context_id}/${r.item_key}/${r.sample_index}`)).size, rows.length);
  for (let item = 0; item < 60; item++) {
    for (let k = 0; k < 4; k++) assert.equal(rows.filter((r) => r.item_key === `q${String(item).padStart(2, "0")}` && r.sample_index === k).length, 2);
  }
  const jobs = d.prepare(`SELECT state, done, total FROM job`).all() as { state: string; done: number; total: number }[];
  assert.ok(jobs.every((j) => j.state === "done" && j.done === j.total), JSON.stringify(jobs));
  assert.equal(d.pragma("integrity_check", { simple: true }), "ok");
});
