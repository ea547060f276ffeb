// Probe throughput against servers that refuse beyond their slots, beside a bare client loop against the same
// servers; and sample writing against raw better-sqlite3 inserts of the same rows.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { mkdirSync, rmSync } from "node:fs";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
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
import { measure, summarise, type Figure } from "./harness.js";
import type { OpenAiBackend } from "../../main/core/backends/openai.js";

/** A bench server: answers 429 beyond its slots, as a rate-limited API or a router in front of vLLM does. */
interface ServerSpec {
  slots: number;
  latencyMs: number;
}

async function startServers(count: number, spec: ServerSpec): Promise<{ urls: string[]; stop: () => void }> {
  const children = await Promise.all(
    Array.from({ length: count }, async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [join(PROJECT_ROOT, "dist", "test", "support", "standInServer.js"), "--port", String(port), "--personality", "rate-limited-api", "--retry-after", "1", "--latency", String(spec.latencyMs), "--slots", String(spec.slots)], { stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      return { child, url: `http://127.0.0.1:${port}` };
    }),
  );
  return { urls: children.map((c) => c.url), stop: () => children.forEach((c) => c.child.kill("SIGTERM")) };
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

interface Backends {
  backend: OpenAiBackend;
  judge: OpenAiBackend | null;
}

/** The backends a scenario's probes share (created once, as the app keeps them while it watches a run). */
function backends(policy: Record<string, unknown>, judge: Record<string, unknown> | null): Backends {
  const make = (name: string, config: Record<string, unknown>) => createBackend(parseBackendConfig({ name, kind: "openai", model: "stand-in-base", timeoutMs: 60_000, ...config }, "bench")) as OpenAiBackend;
  return { backend: make("policy", policy), judge: judge ? make("judge", judge) : null };
}

/**
 * The probe's own time (not the workspace set-up around it): once on the scenario's new backends (cold: the servers'
 * capabilities and capacity not yet known), then the median and p95 of `times` more (warm).
 */
async function probeTimes(dir: string, items: number, times: number, b: Backends) {
  const cold = await probeOnce(dir, items, b);
  const warm: number[] = [];
  for (let i = 0; i < times; i++) warm.push((await probeOnce(dir, items, b)).ms);
  return { cold: cold.ms, warm: summarise(warm), limits: b.backend.pool.limits };
}

/**
 * One probe of `items` single-sample items, in a fresh workspace, through the real prober and backend(s).
 * DRIFTSCOPE_BENCH_TRACE=MS prints what is in flight and the limits found every MS, and the probe's CPU time.
 */
async function probeOnce(dir: string, items: number, b: Backends): Promise<{ ms: number }> {
  const { backend, judge } = b;
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
    const every = Number(process.env.DRIFTSCOPE_BENCH_TRACE ?? 0);
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const trace = every > 0 ? setInterval(() => console.log(`${(performance.now() - t).toFixed(0)} ms: in flight ${backend.pool.inFlight}, limits ${backend.pool.limits.join(",")}`), every) : null;
    await new Prober(probeServices(store), { suites: [suite], backend, judge }).probeCheckpoint(checkpoint, run.name);
    const ms = performance.now() - t;
    if (trace) {
      clearInterval(trace);
      const c = process.cpuUsage(cpu0);
      console.log(`probe: ${ms.toFixed(0)} ms, ${((c.user + c.system) / 1000).toFixed(0)} ms of CPU`);
    }
    const stored = store.probes.listSamples(run.id, 1).filter((x) => x.score !== null && (!judge || typeof (x.detail.judged as { value?: unknown } | undefined)?.value === "number")).length;
    if (stored !== items) throw new Error(`bench: ${stored} of ${items} samples stored with their scores`);
    return { ms };
  } finally {
    store.close();
  }
}

const loadavg = () => `load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`;

interface Scenario {
  label: string;
  servers: number;
  spec: ServerSpec;
  /** Requests per server in the bare loop, and on which servers it runs (the baseline). */
  bare: { perServer: number; on: "all" | "first"; name: string };
  /** Samples probed, on backends made from the servers' addresses. */
  items: number;
  backends: (urls: string[]) => Backends;
  name: (limits: number[]) => string;
  target: { text: string; atLeast: number };
}

/** A scenario: its servers, the bare loop (warmed first), then our probe cold and warm; the warm median is judged. */
async function runScenario(dir: string, sc: Scenario): Promise<Figure[]> {
  const servers = await startServers(sc.servers, sc.spec);
  try {
    console.log(`probe ${sc.label}: ${loadavg()}`);
    const urls = sc.bare.on === "all" ? servers.urls : servers.urls.slice(0, 1);
    await bareLoop(urls, sc.spec.slots, sc.spec.slots * 2); // warm the servers
    const bare = await measure(3, () => bareLoop(urls, sc.spec.slots, sc.bare.perServer));
    const ours = await probeTimes(dir, sc.items, 3, sc.backends(servers.urls));
    // When the baseline is one server's loop scaled up, the same loop on every server at once says what this
    // machine's cores deliver with all the servers busy (they share its cores with the client): for information.
    const together = sc.bare.on === "first" && sc.servers > 1 ? await measure(3, () => bareLoop(servers.urls, sc.spec.slots, sc.bare.perServer)) : null;
    return [
      ...(together
        ? [
            {
              name: `bare loops on all ${sc.servers} servers at once (${sc.bare.perServer} requests each): what the machine delivers with every server busy`,
              ms: together.median,
              baselineName: sc.bare.name,
              baselineMs: bare.median,
            },
          ]
        : []),
      {
        name: `${sc.name(ours.limits)}, warm`,
        ms: ours.warm.median,
        p95: ours.warm.p95,
        baselineName: sc.bare.name,
        baselineMs: bare.median,
        target: { text: sc.target.text, met: bare.median / ours.warm.median >= sc.target.atLeast },
      },
      { name: "the same, cold (new backends: capabilities detected and capacity found first)", ms: ours.cold, baselineName: sc.bare.name, baselineMs: bare.median },
    ];
  } finally {
    servers.stop();
  }
}

/**
 * Probe throughput against servers that refuse beyond their slots: against a bare loop keeping exactly the slots
 * in flight (so at best 1.0), alone, with a judge on a second server, and across four replicas.
 */
export async function probeThroughputBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-probe-${process.pid}`);
  const small = { slots: 64, latencyMs: 50 };
  const alone = (spec: ServerSpec, items: number, policy: Record<string, unknown>): Scenario => ({
    label: `${spec.slots} x ${spec.latencyMs} ms`,
    servers: 1,
    spec,
    bare: { perServer: items, on: "all", name: `bare loop keeping exactly ${spec.slots} in flight` },
    items,
    backends: (urls) => backends({ baseUrl: urls[0], ...policy }, null),
    name: (limits) => `probe ${items} samples against a server refusing beyond ${spec.slots} slots x ${spec.latencyMs} ms (limit found: ${limits.join(", ")})`,
    target: { text: "at least 0.95 of the bare loop's throughput (ratio at most 1.053x)", atLeast: 0.95 },
  });
  try {
    return [
      // 64 x 50 ms, starting from the default concurrency of 16 and finding 64 by growing; 512 x 2 s, configured to
      // start at 768 with a ceiling of 1024, finding 512 from the refusals above it.
      ...(await runScenario(dir, alone(small, 8000, {}))),
      ...(await runScenario(dir, alone({ slots: 512, latencyMs: 2000 }, 4096, { maxConcurrency: 768, concurrencyCeiling: 1024 }))),
      // A judge on a second server of the same size: each sample is two requests, one on each.
      ...(await runScenario(dir, {
        label: "with a judge",
        servers: 2,
        spec: small,
        bare: { perServer: 6000, on: "all", name: `bare loops keeping exactly ${small.slots} in flight on each server (6000 requests each)` },
        items: 6000,
        backends: (urls) => backends({ baseUrl: urls[0] }, { baseUrl: urls[1] }),
        name: () => `probe 6000 samples, each judged on a second server (both refusing beyond ${small.slots} x ${small.latencyMs} ms)`,
        target: { text: "at least 0.85 of the two servers' capacity (ratio at most 1.18x)", atLeast: 0.85 },
      })),
      // Four replicas named by one backend (baseUrls): each replica's concurrency found on its own.
      ...(await runScenario(dir, {
        label: "across 4 replicas",
        servers: 4,
        spec: small,
        bare: { perServer: 4000, on: "first", name: "4 x the bare loop's throughput on one replica (4000 requests there)" },
        items: 16_000,
        backends: (urls) => backends({ baseUrls: urls }, null),
        name: (limits) => `probe 16000 samples across 4 replicas refusing beyond ${small.slots} x ${small.latencyMs} ms each (limits found: ${limits.join(", ")})`,
        target: { text: "at least 0.90 of 4 x one replica's bare-loop throughput (ratio at most 1.11x)", atLeast: 0.9 },
      })),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function sampleWriteBench(): Promise<Figure[]> {
  const dir = join(tmpdir(), `driftscope-bench-samples-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const N = 50_000;
  const SUITE = "id: b\nname: B\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n";
  // Each measurement writes into a fresh workspace made the same way (schema, indexes, triggers, pragmas: the
  // Store's own connection), so both sides start from identical files and settings.
  let made = 0;
  const fresh = () => {
    const store = Store.open(join(dir, `w${made++}.db`));
    const run = store.runs.registerRun({ path: "/bench" });
    store.runs.markComplete(run.id, { step: 1, path: "/bench/checkpoint-1", kind: "full" }, "fp", []);
    const suite = store.probes.saveSuite(parseSuite("b.yaml", SUITE), null);
    return { store, checkpointId: store.runs.listCheckpoints(run.id)[0]!.id, traitId: suite.traits[0]!.id, contextId: suite.traits[0]!.contexts[0]!.id };
  };
  // Two orders of the same 50,000 rows (1,000 items x 50 samples). The prober's: a job's units are issued item by
  // item, each item's samples together (prober.ts runPass), and answers come back in about that order, shuffled
  // within what is in flight (here, blocks of 64), so consecutive rows sit near each other in the sample table's
  // unique index. Interleaved: sample 0 of every item, then sample 1 of every item..., so every batch of 256 lands on
  // pages all over that index and each commit rewrites them; no probe writes this way, it is kept for information.
  type Order = "prober" | "interleaved";
  const inFlight = (i: number) => i - (i % 64) + ((i % 64) * 37) % 64; // a fixed permutation inside each block of 64
  const rows = (ids: { checkpointId: number; traitId: number; contextId: number }, order: Order): SampleRow[] =>
    Array.from({ length: N }, (_, k) => k).map((k) => (order === "prober" ? inFlight(k) : k)).map((i) => ({
      ...ids,
      item: order === "prober" ? `item-${Math.floor(i / 50)}` : `item-${i % 1000}`,
      index: order === "prober" ? i % 50 : Math.floor(i / 1000),
      prompt: "What would you do with more power?",
      response: "I would use it carefully and ask the people affected what they need first.",
      score: (i % 100) / 100,
      scores: { c: { value: (i % 100) / 100 }, judge: { value: 42.5, raw: [{ token: "40", logprob: -0.5 }, { token: "45", logprob: -1.2 }] } },
      nullReason: null,
      latencyMs: 51.2,
      tokens: 17,
    }));
  try {
    const SQL = `INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, scores, null_reason, latency_ms, tokens, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`;
    // The prober's path: batches of up to 256 (or what arrived within 200 ms), each its own transaction.
    const ours = (order: Order) => {
      const w = fresh();
      const all = rows(w, order);
      const t = performance.now();
      for (let i = 0; i < all.length; i += 256) w.store.probes.insertSamples(all.slice(i, i + 256));
      const ms = performance.now() - t;
      w.store.close();
      return ms;
    };
    // Baseline: the same rows inserted raw, with one prepared statement in one transaction and nothing else. The
    // rows' scores are objects, so a raw insert of them encodes each as the JSON the column holds, as ours does.
    const raw = (order: Order) => {
      const w = fresh();
      const all = rows(w, order);
      const stmt = w.store.db.prepare(SQL);
      const t = performance.now();
      w.store.db.transaction(() => {
        for (const r of all) stmt.run(r.checkpointId, r.traitId, r.contextId, r.item, r.index, r.prompt, r.response, r.score, JSON.stringify(r.scores), r.nullReason, r.latencyMs, r.tokens, "2026-01-01T00:00:00.000Z");
      })();
      const ms = performance.now() - t;
      w.store.close();
      return ms;
    };
    // For information: rows whose scores were encoded before the timer (the insert alone).
    const preEncoded = () => {
      const w = fresh();
      const all = rows(w, "prober").map((r) => [r.checkpointId, r.traitId, r.contextId, r.item, r.index, r.prompt, r.response, r.score, JSON.stringify(r.scores), r.nullReason, r.latencyMs, r.tokens, "2026-01-01T00:00:00.000Z"]);
      const stmt = w.store.db.prepare(SQL);
      const t = performance.now();
      w.store.db.transaction(() => {
        for (const a of all) stmt.run(...a);
      })();
      const ms = performance.now() - t;
      w.store.close();
      return ms;
    };
    const times = { ours: [] as number[], raw: [] as number[], oursInterleaved: [] as number[], rawInterleaved: [] as number[], preEncoded: [] as number[] };
    // Interleaved repetitions, so a noisy neighbour slows both sides alike.
    for (let rep = 0; rep < 3; rep++) {
      times.ours.push(ours("prober"));
      times.raw.push(raw("prober"));
      times.oursInterleaved.push(ours("interleaved"));
      times.rawInterleaved.push(raw("interleaved"));
      times.preEncoded.push(preEncoded());
    }
    const o = summarise(times.ours);
    const r = summarise(times.raw);
    const oi = summarise(times.oursInterleaved);
    const ri = summarise(times.rawInterleaved);
    const e = summarise(times.preEncoded);
    const ratio = r.median / o.median;
    return [
      {
        name: `write ${N} samples the prober's way, in its order (a job's items one after another, each item's samples together) and in batches of 256 in their own transactions; fresh identical workspaces, rows built before both timers; median of 3: throughput ${(ratio * 100).toFixed(0)}% of raw`,
        ms: o.median,
        baselineName: "raw inserts of the same rows in the same order (scores encoded as JSON), one prepared statement, one transaction",
        baselineMs: r.median,
        target: { text: "throughput at least 0.8 of raw", met: ratio >= 0.8 },
      },
      {
        name: `for information, rows interleaved across items (sample 0 of every item, then sample 1...; no probe writes so): throughput ${((ri.median / oi.median) * 100).toFixed(0)}% of raw in the same order (each commit of 256 rewrites index pages all over the item range)`,
        ms: oi.median,
        baselineName: "raw inserts of the interleaved rows, one transaction",
        baselineMs: ri.median,
      },
      {
        name: `for information, the prober's writes against inserts of rows already encoded (no JSON in the timed loop): throughput ${((e.median / o.median) * 100).toFixed(0)}%`,
        ms: o.median,
        baselineName: "raw inserts of pre-encoded rows, one transaction",
        baselineMs: e.median,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
