// Backends against a real HTTP server on loopback (the stand-in) and real child processes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { createBackend, parseBackendConfig } from "../../main/core/backends/index.js";
import type { GenerateRequest } from "../../main/core/backends/types.js";
import { PROJECT_ROOT } from "../support/sharedFixtures.js";
import { startStandIn } from "../support/standInServer.js";

const req = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({ messages: [{ role: "user", content: "Hello there, how are you?" }], n: 3, temperature: 1, topP: 1, maxTokens: 20, seed: 1, ...over });
const fast = { attempts: 3, baseMs: 5, maxMs: 50 };

test("capabilities are detected per server personality, and requests adapt to them", async (t) => {
  for (const [personality, honoursN, top] of [["vllm", true, 20], ["ollama", false, 20], ["tgi", false, 5], ["transformers-serve", false, 0], ["rate-limited-api", true, 20]] as const) {
    const s = await startStandIn({ personality });
    t.after(() => s.close());
    const b = createBackend(parseBackendConfig({ name: personality, kind: "openai", baseUrl: s.url, model: "stand-in-base", retry: fast }, "test"));
    const caps = await b.detect();
    assert.equal(caps.honoursN, honoursN, personality);
    assert.equal(caps.maxTopLogprobs, top, personality);
    const p = await b.prepare(null);
    const before = s.stats.chat;
    const out = await b.generate(p, req());
    assert.equal(out.length, 3, `${personality}: n=3 answered`);
    assert.equal(s.stats.chat - before, honoursN ? 1 : 3, `${personality}: fan out only when n is ignored`);
    const judged = await b.generate(p, req({ n: 1, maxTokens: 1, temperature: 0, topLogprobs: 20, messages: [{ role: "user", content: "Score 0 to 100: ok" }] }));
    const tokens = (judged[0]!.topLogprobs ?? []).map((x) => x.token);
    assert.equal(tokens.length, top, `${personality}: top logprobs asked within the server's cap`);
    assert.equal(new Set(tokens).size, tokens.length, `${personality}: each token once`);
    if (personality === "tgi") assert.ok(caps.notes.some((n) => /top_logprobs 20 refused; using 5/.test(n)), caps.notes.join("; "));
    if (personality === "transformers-serve") assert.ok(caps.notes.some((n) => /no top_logprobs returned/.test(n)), caps.notes.join("; "));
  }
});

test("the stand-in behaves as the servers it stands for: top_logprobs without logprobs is a 400; a rate-limited API refuses beyond its slots", async (t) => {
  const s = await startStandIn({ personality: "rate-limited-api", slots: 2, latencyMs: 100, retryAfterS: 0.05 });
  t.after(() => s.close());
  const post = (body: unknown) => fetch(`${s.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const msg = { model: "stand-in-base", messages: [{ role: "user", content: "hi" }], max_tokens: 4 };
  const bad = await post({ ...msg, top_logprobs: 5 });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /logprobs/);
  const answers = await Promise.all(Array.from({ length: 5 }, () => post(msg)));
  const statuses = answers.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 429, 429, 429], "two slots: the rest refused at once, not queued");
  assert.equal(answers.find((r) => r.status === 429)!.headers.get("retry-after"), "0.05");
  // Through a backend, every completion still arrives: the client waits out the 429s.
  const b = createBackend(parseBackendConfig({ name: "api", kind: "openai", baseUrl: s.url, model: "stand-in-base", maxConcurrency: 8, retry: { attempts: 8, baseMs: 5, maxMs: 100 } }, "test"));
  const p = await b.prepare(null);
  const out = await Promise.all(Array.from({ length: 6 }, (_, i) => b.generate(p, req({ n: 1, seed: i }))));
  assert.equal(out.flat().length, 6);
  assert.ok((s.stats.byStatus[429] ?? 0) > 3, "and the server did refuse some of them");
});

test("max_tokens for local servers, max_completion_tokens when configured for the OpenAI API; the key comes from the environment", async (t) => {
  const seen: Record<string, unknown>[] = [];
  const { createServer } = await import("node:http");
  const server = createServer((rq, rs) => {
    let body = "";
    rq.on("data", (d) => (body += d));
    rq.on("end", () => {
      if (rq.url?.endsWith("/models")) return rs.end(JSON.stringify({ data: [{ id: "m" }] }));
      seen.push({ ...JSON.parse(body), auth: rq.headers.authorization });
      rs.setHeader("content-type", "application/json");
      rs.end(JSON.stringify({ choices: [{ message: { content: "ok" }, logprobs: null }, { message: { content: "ok" }, logprobs: null }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  process.env.DRIFTSCOPE_TEST_KEY = "sk-test-123";
  const local = createBackend(parseBackendConfig({ name: "l", kind: "openai", baseUrl: url, model: "m", retry: fast }, "t"));
  await local.generate(await local.prepare(null), req({ n: 1 }));
  const official = createBackend(parseBackendConfig({ name: "o", kind: "openai", baseUrl: url, model: "m", tokenField: "max_completion_tokens", apiKeyEnv: "DRIFTSCOPE_TEST_KEY", retry: fast }, "t"));
  await official.generate(await official.prepare(null), req({ n: 1 }));
  const chats = seen.filter((s) => s.messages && (s.messages as unknown[]).length === 1 && (s.messages as { content: string }[])[0]!.content.startsWith("Hello"));
  assert.equal(chats[0]!.max_tokens, 20);
  assert.equal(chats[0]!.max_completion_tokens, undefined);
  assert.equal(chats[0]!.temperature, 1);
  assert.equal(chats[0]!.top_p, 1);
  assert.equal(chats[1]!.max_completion_tokens, 20);
  assert.equal(chats[1]!.max_tokens, undefined);
  assert.equal(chats[1]!.auth, "Bearer sk-test-123");
  delete process.env.DRIFTSCOPE_TEST_KEY;
  await assert.rejects(official.generate(await official.prepare(null), req({ n: 1 })), /DRIFTSCOPE_TEST_KEY \(the API key\) is not set/);
});

test("replicas equally free take turns", async (t) => {
  const a = await startStandIn();
  const b = await startStandIn();
  t.after(() => Promise.all([a.close(), b.close()]));
  const be = createBackend(parseBackendConfig({ name: "r", kind: "openai", baseUrls: [a.url, b.url], model: "stand-in-base", retry: fast }, "t"));
  const p = await be.prepare(null);
  for (let i = 0; i < 10; i++) await be.generate(p, req({ n: 1 }));
  assert.ok(a.stats.chat >= 5 && b.stats.chat >= 5, `${a.stats.chat} / ${b.stats.chat}`);
});

test("vllm-lora loads each checkpoint's adapter by name and unloads it after, also after a crash left one loaded", async (t) => {
  const s = await startStandIn({ personality: "vllm" });
  t.after(() => s.close());
  const be = createBackend(parseBackendConfig({ name: "v", kind: "vllm-lora", baseUrl: s.url, retry: fast }, "t"));
  const target = { run: "my run", step: 40, path: "/ckpts/checkpoint-40", kind: "lora" as const };
  const p = await be.prepare(target);
  assert.equal(p.model, "my_run-step40");
  const out = await be.generate(p, req({ n: 2 }));
  assert.match(out[0]!.text, /my_run-step40/);
  await p.release();
  assert.deepEqual(s.stats.loads, ["my_run-step40"]);
  assert.deepEqual(s.stats.unloads, ["my_run-step40"]);
  // A leftover adapter of the same name: unloaded and loaded again.
  await be.prepare(target);
  const again = await be.prepare(target);
  await again.release();
  assert.deepEqual(s.stats.loads, ["my_run-step40", "my_run-step40", "my_run-step40"]);
  await assert.rejects(be.prepare({ ...target, kind: "full" }), /can only probe LoRA checkpoints/);
});

test("serve-command health: /health, /v1/models or any 2xx, the next path on 404 or 500, a timeout that says what each answered", async () => {
  const program = join(PROJECT_ROOT, "dist", "test", "support", "healthServer.js");
  const start = (answers: string[], extra: Record<string, unknown> = {}, args = "") =>
    createBackend(
      parseBackendConfig({ name: "srv", kind: "serve-command", command: `${JSON.stringify(process.execPath)} ${program} --port {port} ${answers.map((a) => `--answer ${a}`).join(" ")} ${args}`, model: "m", startupTimeoutMs: 3000, ...extra }, "test"),
    ).prepare({ run: "r", step: 1, path: "/tmp", kind: "full" });
  // transformers serve: /health 200, /v1/models 500 without a cache folder; a configured /v1/models falls back.
  await (await start(["/health=200", "/v1/models=500"], { healthPath: "/v1/models" })).release();
  // No /health (404), /v1/models answers.
  await (await start(["/v1/models=200"])).release();
  // A path of the user's own, answering 204.
  await (await start(["/ready=204"], { healthPath: "/ready" })).release();
  // Loading (503) for a while, then healthy: waited for, not skipped.
  await (await start(["/health=200"], {}, "--ready-after 500")).release();
  // Never healthy: the message names every path tried and its answer.
  await assert.rejects(start(["/health=404", "/v1/models=500"]), /did not become healthy within 3000 ms; tried \/health \(HTTP 404: Not Found\), \/v1\/models \(HTTP 500: CacheNotFound: no Hugging Face cache\)/);
});

/** pgrep exits 1 when nothing matches; any other failure (pgrep missing) must fail the test, not pass it. */
function processAlive(pattern: string): boolean {
  try {
    return execFileSync("pgrep", ["-f", pattern]).toString().trim().length > 0;
  } catch (err) {
    if ((err as { status?: number }).status === 1) return false;
    throw err;
  }
}

/**
 * Whether the processes are gone within a bound. The shell the command runs in exits first; its children get the
 * same signal but may take a moment to die, so an immediate pgrep can still see one. 10 s is far beyond that.
 */
async function goneWithin(pattern: string, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (!processAlive(pattern)) return true;
  return !processAlive(pattern);
}

test("serve-command starts a server per checkpoint, waits for health, and always stops it", async () => {
  const script = join(PROJECT_ROOT, "dist", "test", "support", "standInServer.js");
  const marker = `ckpt-${process.pid}-${Date.now()}`;
  const be = createBackend(parseBackendConfig({ name: "s", kind: "serve-command", command: `${process.execPath} ${script} --port {port} --model {checkpoint}`, model: "{checkpoint}", retry: fast }, "t"));
  const p = await be.prepare({ run: "r", step: 1, path: marker, kind: "full" });
  assert.ok(processAlive(marker), "server running while probing");
  const out = await be.generate(p, req({ n: 1 }));
  assert.match(out[0]!.text, new RegExp(marker));
  await p.release();
  assert.equal(await goneWithin(marker), true, "server stopped after probing");

  const broken = createBackend(parseBackendConfig({ name: "b", kind: "serve-command", command: "echo 'no GPU here' >&2; exit 3", startupTimeoutMs: 5000 }, "t"));
  await assert.rejects(broken.prepare({ run: "r", step: 1, path: "/x", kind: "full" }), /exited with code 3 before it was healthy.*no GPU here/s);
  const slow = createBackend(parseBackendConfig({ name: "z", kind: "serve-command", command: `sleep 30 # ${marker}-slow`, startupTimeoutMs: 400 }, "t"));
  await assert.rejects(slow.prepare({ run: "r", step: 1, path: "/x", kind: "full" }), /did not become healthy within 400 ms/);
  assert.equal(await goneWithin(`${marker}-slow`), true, "a server that never became healthy is stopped too");
});

test("a command backend speaks JSON lines: answers matched by id, errors reported, stray output ignored", async () => {
  const program = join(PROJECT_ROOT, "dist", "test", "support", "jsonlBackendProgram.js");
  const be = createBackend(parseBackendConfig({ name: "c", kind: "command", command: `${process.execPath} ${program}`, timeoutMs: 5000 }, "t"));
  try {
    const p = await be.prepare({ run: "r", step: 7, path: "/x", kind: "full" });
    assert.equal(p.model, "custom-7");
    const outs = await Promise.all(Array.from({ length: 6 }, () => be.generate(p, req({ n: 2, topLogprobs: 20 }))));
    assert.ok(outs.every((o) => o.length === 2 && o[0]!.text === "custom-7 answer 0" && o[0]!.topLogprobs![0]!.token === "42"));
    await assert.rejects(be.generate(p, req({ messages: [{ role: "user", content: "[[fail]]" }] })), /cannot answer that/);
    assert.deepEqual((await be.detect()).maxTopLogprobs, 20);
  } finally {
    await be.close();
  }
});

test("a backend config with a wrong field is refused with the field named", () => {
  assert.throws(() => parseBackendConfig({ name: "x", kind: "openai" }, "be.yaml"), /be.yaml: backend "x" \(openai\) needs baseUrl/);
  assert.throws(() => parseBackendConfig({ name: "x", kind: "openai", baseUrl: "not a url" }, "be.yaml"), /be.yaml: baseUrl/);
  assert.throws(() => parseBackendConfig({ name: "x", kind: "vllm", baseUrl: "http://a" }, "be.yaml"), /be.yaml: kind/);
  assert.throws(() => parseBackendConfig({ name: "x", kind: "demo", maxConcurency: 3 }, "be.yaml"), /maxConcurency/);
});
