import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffMs, isRetryableStatus, retryAfterMs } from "../../main/core/backends/http.js";

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

