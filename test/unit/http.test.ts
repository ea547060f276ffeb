import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { connect, type Socket } from "node:net";
import { test } from "node:test";
import { backoffMs, isRetryableStatus, requestJson, retryAfterMs } from "../../main/core/backends/http.js";

test("what is retried: network-ish statuses and x-should-retry; never other 4xx or an exhausted quota", () => {
  const h = (o: Record<string, string> = {}) => new Headers(o);
  for (const s of [408, 409, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s, h(), ""), true, String(s));
  for (const s of [400, 401, 403, 404, 422]) assert.equal(isRetryableStatus(s, h(), ""), false, String(s));
  assert.equal(isRetryableStatus(400, h({ "x-should-retry": "true" }), ""), true);
  assert.equal(isRetryableStatus(503, h({ "x-should-retry": "false" }), ""), false);
  assert.equal(isRetryableStatus(429, h(), '{"error":{"code":"insufficient_quota"}}'), false);
});

test("Retry-After in seconds or as a date, retry-after-ms first", () => {
  assert.equal(retryAfterMs(new Headers({ "retry-after": "2" })), 2000);
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "150", "retry-after": "9" })), 150);
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(retryAfterMs(new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now), 3000);
  assert.equal(retryAfterMs(new Headers({})), null);
});

test("backoff doubles from the base, is capped, and jitters down by at most a quarter", () => {
  const policy = { attempts: 6, baseMs: 1000, maxMs: 60_000 };
  assert.equal(backoffMs(0, policy, () => 0), 1000);
  assert.equal(backoffMs(3, policy, () => 0), 8000);
  assert.equal(backoffMs(10, policy, () => 0), 60_000);
  assert.equal(backoffMs(1, policy, () => 1), 1500);
});


test("a request still waiting for a connection (a server that accepts none) fails at its own timeout", async (t) => {
  // A listening socket that never accepts, its backlog filled: further connections hang in the kernel. Node accepts
  // every connection of a server it listens with, so the socket is Python's.
  if (spawnSync("python3", ["--version"]).status !== 0) return t.skip("python3 is not installed");
  const py = spawn("python3", ["-c", "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen(0)\nprint(s.getsockname()[1], flush=True)\ntime.sleep(60)"], { stdio: ["ignore", "pipe", "inherit"] });
  const fillers: Socket[] = [];
  t.after(() => {
    py.kill();
    for (const f of fillers) f.destroy();
  });
  const port = Number(await new Promise<string>((resolve) => py.stdout.once("data", (d) => resolve(String(d).trim()))));
  for (let i = 0; i < 4; i++) fillers.push(connect(port, "127.0.0.1").on("error", () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = performance.now();
  await assert.rejects(requestJson(`http://127.0.0.1:${port}/v1/models`, { timeoutMs: 300, retry: { attempts: 1, baseMs: 10, maxMs: 10 } }), /timed out after 300 ms/);
  // Not the HTTP client's own connect timeout (10 s).
  assert.ok(performance.now() - started < 3000, `failed after ${(performance.now() - started).toFixed(0)} ms`);
});
