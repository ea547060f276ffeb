// Probing at a server's capacity against real HTTP servers on loopback: the concurrency found from 429s without
// waiting out Retry-After, and replicas of one backend, one of which goes away in the middle of a probe.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import type { OpenAiBackend } from "../../main/core/backends/openai.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Prober } from "../../main/core/schedule/prober.js";
import { Store } from "../../main/core/store/store.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { probeServices } from "../support/probeServices.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

async function probe(dir: string, items: number, backendConfig: Record<string, unknown>, during?: (store: Store) => void) {
  const root = join(dir, "run");
  mkdirSync(root, { recursive: true });
  writeFilesNow(join(root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
  const store = Store.open(join(dir, "w.db"));
  const run = store.runs.registerRun({ path: root });
  await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
  const lines = Array.from({ length: items }, (_, i) => `      - { id: q${i}, prompt: "Question ${i}?" }`).join("\n");
  const suite = store.probes.saveSuite(
    parseSuite("s.yaml", `id: s\nname: S\ntraits:\n  - id: caps\n    name: Caps\n    polarity: higher_is_trait\n    role: control\n    sampling: { samplesPerItem: 1, maxTokens: 8 }\n    scorers: [{ kind: caps_ratio, name: caps }]\n    score: caps\n    items:\n${lines}\n`),
    "s",
  );
  const backend = createBackend(parseBackendConfig({ name: "b", kind: "openai", model: "stand-in-base", timeoutMs: 30_000, retry: { attempts: 3, baseMs: 50, maxMs: 200 }, ...backendConfig }, "test")) as OpenAiBackend;
  const timer = during ? setInterval(() => during(store), 10) : null;
  try {
    const outcome = await new Prober(probeServices(store), { suites: [suite], backend, judge: null }).probeCheckpoint(store.runs.listCheckpoints(run.id)[0]!, run.name);
    const samples = store.probes.listSamples(run.id, 1);
    return { outcome, samples, limits: backend.pool.limits };
  } finally {
    if (timer) clearInterval(timer);
    store.close();
  }
}

test("a server refusing beyond its slots: its capacity is found from the 429s, and a refusal waits for room, not for Retry-After", { timeout: 60_000 }, async (t) => {
  // Retry-After of 30 s: were it waited out for each refusal, this probe would take minutes, not about a second.
  const s = await startStandIn({ personality: "rate-limited-api", slots: 16, latencyMs: 20, retryAfterS: 30 });
  t.after(() => s.close());
  const dir = tempDir(t);
  const started = Date.now();
  const { outcome, samples, limits } = await probe(dir, 1200, { baseUrl: s.url, maxConcurrency: 64 });
  const elapsed = Date.now() - started;
  assert.equal(outcome, "done");
  assert.equal(samples.length, 1200);
  assert.ok(samples.every((x) => x.score !== null), "every sample answered");
  // Ours in flight include answers the server has sent but this process has not read yet, so on a loaded machine the
  // limit may sit a little above the 16 slots (and keeps the server full for it); the refusals below bound how far.
  assert.ok(limits[0]! >= 15 && limits[0]! <= 24, `the limit settled at about the server's 16 slots (${limits[0]})`);
  const refused = s.stats.byStatus[429] ?? 0;
  assert.ok(refused > 0, "it did probe above the capacity");
  assert.ok(refused < 1200 * 0.15, `few refusals: ${refused} for 1200 answers`);
  assert.ok(s.stats.maxInFlight <= 64 + 2);
  assert.ok(elapsed < 25_000, `no Retry-After stall (${elapsed} ms)`);
});

test("replicas: work goes to each by its own free room; one that goes away mid-probe is set aside and no sample fails", { timeout: 60_000 }, async (t) => {
  const a = await startStandIn({ slots: 8, latencyMs: 15 });
  const b = await startStandIn({ slots: 8, latencyMs: 15 });
  t.after(() => a.close());
  let closed = false;
  t.after(() => (closed ? undefined : b.close()));
  const dir = tempDir(t);
  const { outcome, samples } = await probe(dir, 600, { baseUrls: [a.url, b.url], maxConcurrency: 8 }, () => {
    if (!closed && b.stats.ok >= 60) {
      closed = true;
      void b.close();
    }
  });
  assert.ok(closed, "the second replica went away during the probe");
  assert.equal(outcome, "done");
  assert.equal(samples.length, 600);
  assert.ok(samples.every((x) => x.score !== null && x.nullReason === null), "no sample failed for the replica that went away");
  assert.ok(b.stats.ok >= 60 && a.stats.ok > 300, `both served while both were up, the first the rest (${a.stats.ok} + ${b.stats.ok})`);
});
