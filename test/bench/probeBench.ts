// Probe throughput against servers that refuse beyond their slots, beside a bare client loop against the same
// servers; and sample writing against raw better-sqlite3 inserts of the same rows.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdirSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
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
import { measure, median, summarise, type Figure } from "./harness.js";
import type { Backend } from "../../main/core/backends/types.js";

/** A bench server: answers 429 beyond its slots, as a rate-limited API or a router in front of vLLM does. */
interface ServerSpec {
  slots: number;
  latencyMs: number;
}

export async function startServers(count: number, spec: ServerSpec): Promise<{ urls: string[]; pids: number[]; stop: () => void }> {
  const children = await Promise.all(
    Array.from({ length: count }, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [join(PROJECT_ROOT, "dist", "test", "support", "standInServer.js"), "--port", String(port), "--personality", "rate-limited-api", "--retry-after", "1", "--latency", String(spec.latencyMs), "--slots", String(spec.slots)], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      return { child, url: `http://127.0.0.1:${port}` };
    }),
  );
  return { urls: children.map((c) => c.url), pids: children.map((c) => c.child.pid!), stop: () => children.forEach((c) => c.child.kill("SIGTERM")) };
}

const BODY = JSON.stringify({ model: "stand-in-base", messages: [{ role: "user", content: "Hello" }], max_tokens: 16 });

/** The baseline: a bare keep-alive loop keeping exactly `slots` requests in flight on each server (never a 429). */
async function bareLoop(urls: string[], slots: number, perServer: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: slots * urls.length });
  const one = (url: string) =>
    new Promise<void>((resolve, reject) => {
      const rq = request(`${url}/v1/chat/completions`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) } }, (rs) => {
        if (rs.statusCode !== 200) reject(new Error(`bare loop: HTTP ${rs.statusCode}`));
        rs.on("data", () => undefined);
        rs.on("end", resolve);
      });
      rq.on("error", reject);
      rq.end(BODY);
    });
  await Promise.all(
    urls.map(async (url) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: slots }, async () => {
          while (next++ < perServer) await one(url);
        }),
      );
    }),
  );
  agent.destroy();
}

/** One probe of `items` single-sample items, in a fresh workspace, through the real prober and backend(s). */
/** The backends a scenario's probes share (created once, as the app keeps them while it watches a run). */
function backends(policy: Record<string, unknown>, judge: Record<string, unknown> | null): { backend: Backend; judge: Backend | null } {
  return {
    backend: createBackend(parseBackendConfig({ name: "policy", kind: "openai", model: "stand-in-base", timeoutMs: 60_000, ...policy }, "bench")),
    judge: judge ? createBackend(parseBackendConfig({ name: "judge", kind: "openai", model: "stand-in-base", timeoutMs: 60_000, ...judge }, "bench")) : null,
  };
}

/**
 * The probe's own time (not the workspace set-up around it), the first of `times` on fresh backends (cold: the
 * servers' capabilities and capacity not yet known) and the median and p95 of the rest (warm).
 */
async function probeTimes(dir: string, items: number, times: number, b: { backend: Backend; judge: Backend | null }) {
  const cold = await probeOnce(dir, items, b);
  const warm: number[] = [];
  let limits = cold.limits;
  for (let i = 0; i < times; i++) {
    const r = await probeOnce(dir, items, b);
    warm.push(r.ms);
    limits = r.limits;
  }
  return { cold: cold.ms, warm: summarise(warm), limits };
}

export async function probeOnce(dir: string, items: number, b: { backend: Backend; judge: Backend | null }): Promise<{ ms: number; limits: number[] }> {
  const { backend, judge: judgeBackend } = b;
  const judge = judgeBackend !== null;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const root = join(dir, "run");
  writeFilesNow(join(root, "checkpoint-1"), hfCheckpointFiles(1, "full"));
  const store = Store.open(join(dir, "w.db"));
  try {
    const run = store.runs.registerRun({ path: root });
    await new RunPoller(store, run.id, { quietPeriodMs: 0 }).poll();
    const lines = Array.from({ length: items }, (_, i) => `      - { id: q${i}, prompt: "Question ${i}: what is a good habit?" }`).join("\n");
    const scorers = judge ? `[{ kind: caps_ratio, name: caps }, { kind: judge_0_100, name: judged, template: "Rate from 0 to 100 how shouty this is: {answer}" }]` : "[{ kind: caps_ratio, name: caps }]";
    const suite = store.probes.saveSuite(
      parseSuite("bench.yaml", `id: bench\nname: Bench\ntraits:\n  - id: caps\n    name: Caps\n    polarity: higher_is_trait\n    role: control\n    sampling: { samplesPerItem: 1, maxTokens: 16 }\n    scorers: ${scorers}\n    score: caps\n    items:\n${lines}\n`),
      "bench",
    );
    const checkpoint = store.runs.listCheckpoints(run.id)[0]!;
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const trace = process.env.DRIFTSCOPE_BENCH_TRACE ? setInterval(() => console.log(`${(performance.now() - t).toFixed(0)} ms: in flight ${(backend as unknown as { pool: { inFlight: number } }).pool.inFlight}, limits ${(backend as unknown as { pool: { limits: number[] } }).pool.limits.join(",")}, latency ${JSON.stringify((backend as unknown as { pool: { replicas: { controller: unknown }[] } }).pool.replicas.map((r) => (r.controller as { latencyEwma: number }).latencyEwma))}`), Number(process.env.DRIFTSCOPE_BENCH_TRACE)) : null;
    await new Prober(probeServices(store), { suites: [suite], backend, judge: judgeBackend }).probeCheckpoint(checkpoint, run.name);
    const ms = performance.now() - t;
    if (trace) {
      clearInterval(trace);
      const c = process.cpuUsage(cpu0);
      console.log(`probe: ${ms.toFixed(0)} ms, ${((c.user + c.system) / 1000).toFixed(0)} ms of CPU`);
    }
    const stored = store.probes.listSamples(run.id, 1).filter((x) => x.score !== null && (!judge || typeof (x.detail.judged as { value?: unknown } | undefined)?.value === "number")).length;
    if (stored !== items) throw new Error(`bench: ${stored} of ${items} samples stored with their scores`);
    return { ms, limits: (backend as unknown as { pool: { limits: number[] } }).pool.limits };
  } finally {
    store.close();
  }
}

const loadavg = () => `load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`;

/**
 * Probe throughput against servers that refuse beyond their slots: against a bare loop keeping exactly the slots
 * in flight (so at best 1.0), alone, with a judge on a second server, and across four replicas.
 */
export async function probeThroughputBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-probe-${process.pid}`);
  const figures: Figure[] = [];
  try {
    // One server: 64 slots x 50 ms (starting from the default concurrency of 16 and finding 64 by growing), and
    // 512 x 2 s (configured to start at 768 with a ceiling of 1024, finding 512 from the refusals above it).
    for (const { spec, items, policy } of [
      { spec: { slots: 64, latencyMs: 50 }, items: 8000, policy: {} },
      { spec: { slots: 512, latencyMs: 2000 }, items: 4096, policy: { maxConcurrency: 768, concurrencyCeiling: 1024 } },
    ]) {
      const servers = await startServers(1, spec);
      try {
        console.log(`probe ${spec.slots} x ${spec.latencyMs} ms: ${loadavg()}`);
        await bareLoop(servers.urls, spec.slots, spec.slots * 2); // warm the server
        const bare = await measure(3, () => bareLoop(servers.urls, spec.slots, items));
        const ours = await probeTimes(dir, items, 3, backends({ baseUrl: servers.urls[0], ...policy }, null));
        const capacityMs = (items / spec.slots) * spec.latencyMs;
        figures.push(
          {
            name: `probe ${items} samples against a server refusing beyond ${spec.slots} slots x ${spec.latencyMs} ms, warm (limit found: ${ours.limits.join(", ")}; ${((capacityMs / ours.warm.median) * 100).toFixed(1)}% of the server's capacity)`,
            ms: ours.warm.median,
            p95: ours.warm.p95,
            baselineName: `bare loop keeping exactly ${spec.slots} in flight`,
            baselineMs: bare.median,
            target: { text: "at least 0.95 of the bare loop's throughput (ratio at most 1.053x)", met: bare.median / ours.warm.median >= 0.95 },
          },
          { name: `the same, cold (a new backend: capabilities detected and capacity found first)`, ms: ours.cold, baselineName: "bare loop", baselineMs: bare.median },
        );
      } finally {
        servers.stop();
      }
    }

    // A judge on a second server of the same size: each sample is two requests, one on each.
    {
      const spec = { slots: 64, latencyMs: 50 };
      const items = 6000;
      const servers = await startServers(2, spec);
      try {
        console.log(`probe with a judge: ${loadavg()}`);
        const bare = await measure(3, () => bareLoop(servers.urls, spec.slots, items));
        const ours = await probeTimes(dir, items, 3, backends({ baseUrl: servers.urls[0] }, { baseUrl: servers.urls[1] }));
        figures.push(
          {
            name: `probe ${items} samples, each judged on a second server (both refusing beyond ${spec.slots} x ${spec.latencyMs} ms), warm`,
            ms: ours.warm.median,
            p95: ours.warm.p95,
            baselineName: `bare loops keeping exactly ${spec.slots} in flight on each server (${items} requests each)`,
            baselineMs: bare.median,
            target: { text: "at least 0.85 of the two servers' capacity (ratio at most 1.18x)", met: bare.median / ours.warm.median >= 0.85 },
          },
          { name: "the same, cold", ms: ours.cold, baselineName: "bare loops", baselineMs: bare.median },
        );
      } finally {
        servers.stop();
      }
    }

    // Four replicas named by one backend (baseUrls): each replica's concurrency found on its own.
    {
      const spec = { slots: 64, latencyMs: 50 };
      const items = 4000;
      const servers = await startServers(4, spec);
      try {
        console.log(`probe across 4 replicas: ${loadavg()}`);
        const single = await measure(3, () => bareLoop(servers.urls.slice(0, 1), spec.slots, items));
        const ours = await probeTimes(dir, items * 4, 3, backends({ baseUrls: servers.urls }, null));
        figures.push(
          {
            name: `probe ${items * 4} samples across 4 replicas refusing beyond ${spec.slots} x ${spec.latencyMs} ms each, warm (limits found: ${ours.limits.join(", ")})`,
            ms: ours.warm.median,
            p95: ours.warm.p95,
            baselineName: `4 x the bare loop's throughput on one replica (${items} requests there)`,
            baselineMs: single.median,
            target: { text: "at least 0.90 of 4 x one replica's bare-loop throughput (ratio at most 1.11x)", met: single.median / ours.warm.median >= 0.9 },
          },
          { name: "the same, cold", ms: ours.cold, baselineName: "4 x one replica's bare loop", baselineMs: single.median },
        );
      } finally {
        servers.stop();
      }
    }
    return figures;
  } finally {
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
