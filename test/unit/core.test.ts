// The core's handlers and use cases called directly, not through a transport: validation, errors, the backend
// kinds' descriptions, and the worked "Extending Driftscope" scorer (length) end to end through a real probe.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ApiError } from "../../shared/api.js";
import { openWorkspace, runDemo } from "../../main/core/index.js";
import { answerLength } from "../../main/core/probes/scorers/length.js";
import { tempDir } from "../support/tmp.js";

test("calls are validated against the contract before a handler runs; errors are the contract's", async (t) => {
  const dir = tempDir(t);
  const core = openWorkspace({ db: join(dir, "w.db"), transport: "http" });
  t.after(() => core.close());
  assert.deepEqual(await core.call("listRuns", {}), []);
  await assert.rejects(core.call("listCheckpoints", { runId: "1" }), (e: unknown) => e instanceof ApiError && e.code === "bad-request" && /listCheckpoints: runId/.test(e.message));
  await assert.rejects(core.call("listCheckpoints", { runId: 7 }), (e: unknown) => e instanceof ApiError && e.code === "not-found");
  await assert.rejects(core.call("addRun", { path: join(dir, "nope") }), (e: unknown) => e instanceof ApiError && /no such folder/.test(e.message));
  await assert.rejects(core.call("createAnnotation", { runId: 1, step: 1, text: "x", color: "red" }), /a colour like #1f77b4/);
  assert.throws(() => core.findRun("missing"), (e: unknown) => e instanceof ApiError && e.code === "not-found" && /no run "missing"/.test(e.message));
  assert.equal((await core.call("getInfo", {})).transport, "http");
});

test("every registered backend kind is described with its fields, and the app can save and list each kind", async (t) => {
  const core = openWorkspace({ db: join(tempDir(t), "w.db") });
  t.after(() => core.close());
  const kinds = await core.call("listBackendKinds", {});
  assert.deepEqual(kinds.map((k) => k.kind), ["openai", "vllm-lora", "serve-command", "command", "demo"]);
  const openai = kinds.find((k) => k.kind === "openai")!;
  const field = (name: string) => openai.fields.find((f) => f.name === name);
  assert.equal(field("name")?.required, true);
  assert.equal(field("maxConcurrency")?.default, 16);
  assert.equal(field("maxConcurrency")?.type, "integer");
  assert.equal(field("apiKeyEnv")?.secret, true);
  assert.deepEqual(field("tokenField")?.choices, ["max_tokens", "max_completion_tokens"]);
  assert.equal(field("baseUrls")?.type, "string-list");
  assert.ok(kinds.find((k) => k.kind === "serve-command")!.fields.some((f) => f.name === "command" && f.required));
  for (const k of kinds) assert.ok(k.label && k.description && k.fields.every((f) => f.label), k.kind);

  await assert.rejects(core.call("saveBackend", { config: { name: "x", kind: "openai" } }), /backend "x" \(openai\) needs baseUrl or baseUrls/);
  await assert.rejects(core.call("saveBackend", { config: { name: "x", kind: "serve-command" } }), /command/);
  const configs = [
    { name: "a", kind: "openai", baseUrl: "http://127.0.0.1:8000", apiKeyEnv: "KEY" },
    { name: "b", kind: "vllm-lora", baseUrls: ["http://127.0.0.1:8000", "http://127.0.0.1:8001"] },
    { name: "c", kind: "serve-command", command: "vllm serve {checkpoint} --port {port}" },
    { name: "d", kind: "command", command: "python worker.py" },
    { name: "e", kind: "demo" },
  ];
  for (const config of configs) assert.equal((await core.call("saveBackend", { config })).kind, config.kind);
  const listed = await core.call("listBackends", {});
  assert.deepEqual(listed.map((b) => [b.name, b.kind]), configs.map((c) => [c.name, c.kind]));
  assert.deepEqual(listed[1]!.baseUrls, configs[1]!.baseUrls);
  assert.equal(listed[0]!.apiKeyEnv, "KEY");
});

test("the length scorer (the README's worked example) scores real probe answers end to end", async (t) => {
  const dir = tempDir(t);
  await runDemo({ dir: join(dir, "demo"), steps: 20, saveEvery: 10, variants: ["baseline"], pace: "fast", seed: 3 });
  const suite = join(dir, "length.yaml");
  writeFileSync(
    suite,
    `id: answer-length
name: Answer length
traits:
  - id: words
    name: Words per answer
    polarity: higher_is_trait
    role: control
    sampling: { samplesPerItem: 2, temperature: 1, maxTokens: 60, seed: 1 }
    scorers:
      - { kind: length, name: words, unit: words }
      - { kind: length, name: chars, unit: characters }
    score: words
    items:
      - { id: a, prompt: "Tell me about your weekend." }
      - { id: b, prompt: "What should I cook tonight?" }
`,
  );
  mkdirSync(join(dir, "ws"));
  const core = openWorkspace({ db: join(dir, "ws", "w.db"), quietPeriodMs: 0 });
  t.after(() => core.close());
  const { run, probing } = await core.registerRun({ path: join(dir, "demo", "baseline"), suites: [suite], backend: "demo" });
  assert.equal(probing, true);
  const result = await core.watchRun(run.id, { once: true }).done;
  assert.equal(result.complete, 2);
  const samples = await core.call("getSamples", { runId: run.id, step: 20 });
  assert.equal(samples.length, 4);
  for (const s of samples) {
    const detail = s.detail as Record<string, { value: number }>;
    assert.equal(s.score, answerLength(s.response ?? "", "words"));
    assert.equal(detail.chars!.value, [...(s.response ?? "")].length);
    assert.ok(s.score! > 0, s.response ?? "");
  }
  const scores = await core.call("getScores", { runId: run.id, trait: "words" });
  const at20 = scores.find((x) => x.step === 20)!;
  assert.equal(at20.mean, samples.reduce((a, s) => a + s.score!, 0) / samples.length);
});

test("a run removed with its results kept is not found by the calls that name it, as one never added", async (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, "run"));
  const core = openWorkspace({ db: join(dir, "w.db"), transport: "http" });
  t.after(() => core.close());
  const runId = (await core.call("addRun", { path: join(dir, "run") })).id;
  // While listed, every one of these answers.
  await core.call("getDriftSeries", { runIds: [runId] });
  await core.call("listCheckpoints", { runId });
  await core.call("metricKeys", { runIds: [runId] });
  await core.call("getRolloutSeries", { runIds: [runId] });
  await core.call("removeRun", { runId, deleteData: false });
  const notFound = (e: unknown) => e instanceof ApiError && e.code === "not-found" && e.message.includes(`no run with id ${runId}`);
  await assert.rejects(core.call("getDriftSeries", { runIds: [runId] }), notFound);
  await assert.rejects(core.call("getGroupBands", { runIds: [runId] }), notFound);
  await assert.rejects(core.call("listCheckpoints", { runId }), notFound);
  await assert.rejects(core.call("metricKeys", { runIds: [runId] }), notFound);
  await assert.rejects(core.call("getMetrics", { runIds: [runId], keys: ["reward"] }), notFound);
  await assert.rejects(core.call("getRolloutSeries", { runIds: [runId] }), notFound);
  await assert.rejects(core.call("listAnnotations", { runIds: [runId] }), notFound);
});

test("warming up reads the visible runs' series of the opening context, so the first drift view is answered from memory", async (t) => {
  const { buildScoresDb } = await import("../support/scoresDb.js");
  const { ProbeStore } = await import("../../main/core/store/probeStore.js");
  const db = join(tempDir(t), "w.db");
  const [a, b, hidden] = buildScoresDb(db, { runs: 3, checkpoints: 20, traits: 2, contexts: 2, visible: 2 });
  const core = openWorkspace({ db, transport: "http" });
  t.after(() => core.close());
  // Counts the reads of stored series (the series cache's misses).
  const reads: number[][] = [];
  const original = ProbeStore.prototype.seriesColumns;
  ProbeStore.prototype.seriesColumns = function (runIds, ...rest) {
    reads.push([...runIds]);
    return original.call(this, runIds, ...rest);
  };
  t.after(() => (ProbeStore.prototype.seriesColumns = original));
  await core.warmUp();
  assert.deepEqual(reads, [[a], [b]], "each visible run, one at a time; not the hidden one");
  reads.length = 0;
  const first = await core.call("getDriftSeries", { runIds: [a!, b!], contexts: ["none"], columns: 100 });
  assert.equal(first.runs.length, 4);
  assert.deepEqual(reads, [], "the first view's series came from memory");
  await core.call("getDriftSeries", { runIds: [hidden!], contexts: ["none"], columns: 100 });
  await core.call("getDriftSeries", { runIds: [a!], contexts: ["ctx1"], columns: 100 });
  assert.deepEqual(reads, [[hidden], [a]], "other runs and contexts are read when asked for");
});
