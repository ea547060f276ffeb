// Probe throughput against the stand-in (64 slots, 50 ms latency) as a fraction of its capacity, and sample writing
// against raw better-sqlite3 inserts of the same rows.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import { freePort } from "../../main/core/backends/serveCommand.js";
import { parseSuite } from "../../main/core/probes/suiteLoader.js";
import { RunPoller } from "../../main/core/runs/poller.js";
import { Prober } from "../../main/core/schedule/prober.js";
import type { SampleRow } from "../../main/core/store/probeStore.js";
import { Store } from "../../main/core/store/store.js";
import { probeServices } from "../support/probeServices.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { median, type Figure } from "./harness.js";

const SLOTS = 64;
const LATENCY_MS = 50;
const ITEMS = 8000;

async function startServer(port: number): Promise<() => void> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "dist", "test", "support", "standInServer.js"), "--port", String(port), "--latency", String(LATENCY_MS), "--slots", String(SLOTS)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
  return () => child.kill("SIGTERM");
}

export async function probeThroughputBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-probe-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const stop = await startServer(port);
  const url = `http://127.0.0.1:${port}`;
  try {
    // Baseline: a bare keep-alive client loop keeping 96 requests in flight, no scoring or storage.
    const body = JSON.stringify({ model: "stand-in-base", messages: [{ role: "user", content: "Hello" }], max_tokens: 16 });
    const agent = new Agent({ keepAlive: true, maxSockets: 96 });
    const one = () =>
      new Promise<void>((resolve, reject) => {
        const rq = request(`${url}/v1/chat/completions`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (rs) => {
          rs.on("data", () => undefined);
          rs.on("end", resolve);
        });
        rq.on("error", reject);
        rq.end(body);
      });
    const bare = async (count: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 96 }, async () => {
          while (next++ < count) await one();
        }),
      );
    };
    await bare(500);
    const bareMs = await median(1, () => bare(ITEMS));

    const root = join(dir, "run");
    writeFilesNow(join(root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
    const store = Store.open(join(dir, "w.db"));
    const run = store.runs.registerRun({ path: root });
    await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
    const probes = store.probes;
    const items = Array.from({ length: ITEMS }, (_, i) => `      - { id: q${i}, prompt: "Question ${i}: what is a good habit?" }`).join("\n");
    const suite = probes.saveSuite(
      parseSuite("bench.yaml", `id: bench\nname: Bench\ntraits:\n  - id: caps\n    name: Caps\n    polarity: higher_is_trait\n    role: control\n    sampling: { samplesPerItem: 1, maxTokens: 16 }\n    scorers: [{ kind: caps_ratio, name: caps }]\n    score: caps\n    items:\n${items}\n`),
      "bench",
    );
    const backend = createBackend(parseBackendConfig({ name: "b", kind: "openai", baseUrl: url, model: "stand-in-base", maxConcurrency: 128, timeoutMs: 30_000 }, "bench"));
    const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
    const probeMs = await median(1, () => new Prober(probeServices(store), { suites: [suite], backend, judge: null }).probeCheckpoint(checkpoint, run.name));
    const stored = probes.listSamples(run.id, 1).length;
    store.close();
    if (stored !== ITEMS) throw new Error(`bench: ${stored} of ${ITEMS} samples stored`);
    const capacityMs = (ITEMS / SLOTS) * LATENCY_MS;
    const fraction = capacityMs / probeMs;
    return [
      {
        name: `probe ${ITEMS} samples against the stand-in (${SLOTS} slots, ${LATENCY_MS} ms): ${(ITEMS / (probeMs / 1000)).toFixed(0)} req/s = ${(fraction * 100).toFixed(1)}% of its capacity (${((SLOTS / LATENCY_MS) * 1000).toFixed(0)} req/s)`,
        ms: probeMs,
        baselineName: "the server's capacity (slots x latency)",
        baselineMs: capacityMs,
        target: { text: "at least 0.90 of capacity (ratio at most 1.11x)", met: fraction >= 0.9 },
      },
      {
        name: "the same probe against a bare keep-alive client loop (96 in flight, no scoring, no storage)",
        ms: probeMs,
        baselineName: "bare client loop",
        baselineMs: bareMs,
        target: { text: "none (informational)", met: true },
      },
    ];
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function sampleWriteBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-samples-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const N = 50_000;
  try {
    const store = Store.open(join(dir, "w.db"));
    const run = store.runs.registerRun({ path: "/bench" });
    store.runs.markComplete(run.id, { step: 1, path: "/bench/checkpoint-1", kind: "full" }, "fp", []);
    const probes = store.probes;
    const suite = probes.saveSuite(parseSuite("b.yaml", "id: b\nname: B\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n"), null);
    const checkpointId = store.runs.listCheckpoints(run.id)[0]!.id;
    const traitId = suite.traits[0]!.id;
    const contextId = suite.traits[0]!.contexts[0]!.id;
    const rows = (offset: number): SampleRow[] =>
      Array.from({ length: N }, (_, i) => ({
        checkpointId,
        traitId,
        contextId,
        item: `item-${(i + offset) % 1000}`,
        index: Math.floor((i + offset) / 1000),
        prompt: "What would you do with more power?",
        response: "I would use it carefully and ask the people affected what they need first.",
        score: (i % 100) / 100,
        scores: { c: { value: (i % 100) / 100 }, judge: { value: 42.5, raw: [{ token: "40", logprob: -0.5 }, { token: "45", logprob: -1.2 }] } },
        nullReason: null,
        latencyMs: 51.2,
        tokens: 17,
      }));
    // The prober's path: batches of up to 256 (or what arrived within 200 ms), each its own transaction.
    let round = 0;
    const ours = await median(3, () => {
      const all = rows(N * round++);
      for (let i = 0; i < all.length; i += 256) probes.insertSamples(all.slice(i, i + 256));
    });
    store.close();

    // Baseline: the same rows into the same table (a fresh workspace: same schema, indexes and foreign keys),
    // with one prepared statement in one transaction and nothing else.
    const rawStore = Store.open(join(dir, "raw.db"));
    const rawRun = rawStore.runs.registerRun({ path: "/bench" });
    rawStore.runs.markComplete(rawRun.id, { step: 1, path: "/bench/checkpoint-1", kind: "full" }, "fp", []);
    rawStore.probes.saveSuite(parseSuite("b.yaml", "id: b\nname: B\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n"), null);
    rawStore.close();
    const raw = new Database(join(dir, "raw.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.pragma("foreign_keys = ON");
    const stmt = raw.prepare(`INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, scores, null_reason, latency_ms, tokens, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`);
    let rawRound = 0;
    const baseline = await median(3, () => {
      const all = rows(N * rawRound++).map((r) => [r.checkpointId, r.traitId, r.contextId, r.item, r.index, r.prompt, r.response, r.score, JSON.stringify(r.scores), r.nullReason, r.latencyMs, r.tokens, "2026-01-01T00:00:00.000Z"]);
      raw.transaction(() => {
        for (const a of all) stmt.run(...a);
      })();
    });
    raw.close();
    const ratio = baseline / ours;
    return [
      {
        name: `write ${N} samples the prober's way (batches of 256 in their own transactions): throughput ${(ratio * 100).toFixed(0)}% of raw`,
        ms: ours,
        baselineName: "raw better-sqlite3 inserts of the same rows into the same table, one transaction",
        baselineMs: baseline,
        target: { text: "throughput at least 0.5 of raw (ratio at most 2x)", met: ratio >= 0.5 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
