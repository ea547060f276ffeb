import assert from "node:assert/strict";
import { test } from "node:test";
import { ConcurrencyController, type Ticket } from "../../main/core/backends/concurrency.js";
import { ReplicaPool } from "../../main/core/backends/replicaPool.js";

const admitMany = (c: ConcurrencyController, n: number): Ticket[] => Array.from({ length: n }, () => c.admit());

test("a refusal sent with k in flight sets the limit to k - 1 at once; refusals of that burst count once", () => {
  const c = new ConcurrencyController(128, 256);
  const tickets = admitMany(c, 128);
  // The server has 64 places: the 65th and later were refused.
  c.overloaded(tickets[64]!);
  assert.equal(c.limit, 64, "exactly the room the server had");
  for (const t of tickets.slice(65)) c.overloaded(t);
  assert.equal(c.limit, 64, "sent before the decrease: the same congestion event");
  for (const _t of tickets.slice(0, 64)) c.succeeded(50);
  assert.equal(c.inFlight, 0);
});

test("a refusal within the limit the last event set is a capacity drop: a multiplicative cut", () => {
  const c = new ConcurrencyController(100, 256);
  const first = admitMany(c, 81);
  c.overloaded(first[80]!); // k = 81: limit 80
  assert.equal(c.limit, 80);
  for (const _t of first.slice(0, 80)) c.succeeded(10);
  const second = admitMany(c, 40);
  c.overloaded(second[39]!); // refused with 40 in flight, well within 80: the capacity fell
  assert.equal(c.limit, 27, "min(80, 39) x 0.7");
});

test("a refusal just under the last event's limit corrects the estimate by the excess; it is not a capacity drop", () => {
  // Our count runs ahead of the server's by what it has answered and we have not read yet.
  const c = new ConcurrencyController(100, 256);
  const first = admitMany(c, 66);
  c.overloaded(first[65]!); // k = 66: limit 65
  assert.equal(c.limit, 65);
  for (const _t of first.slice(0, 65)) c.succeeded(10);
  const second = admitMany(c, 65);
  c.overloaded(second[64]!); // refused at 65, within 65 but not well within: 64, not 65 x 0.7
  assert.equal(c.limit, 64);
  for (const _t of second.slice(0, 64)) c.succeeded(10);
  const third = admitMany(c, 57);
  c.overloaded(third[56]!); // at 57, under 0.9 x 64: the server's capacity fell
  assert.equal(c.limit, 39, "min(64, 56) x 0.7");
});

test("slow start doubles per round trip to the ceiling; after an event it climbs one per round trip", () => {
  const c = new ConcurrencyController(16, 64);
  for (let round = 0; round < 3; round++) for (const _t of admitMany(c, c.limit)) c.succeeded(50);
  assert.equal(c.limit, 64, "16 -> 32 -> 64, capped at the ceiling");
  const d = new ConcurrencyController(16, 256);
  const ts = admitMany(d, 17);
  d.overloaded(ts[16]!);
  assert.equal(d.limit, 16);
  for (const _t of ts.slice(0, 16)) d.succeeded(50);
  assert.equal(d.limit, 17, "a full round trip of successes: one more");
  for (const _t of admitMany(d, 17)) d.succeeded(50);
  assert.equal(d.limit, 18);
});

test("answers that slow down (a queueing server) stop growth; latency never pushes the limit below its start", () => {
  const c = new ConcurrencyController(8, 256);
  for (const _t of admitMany(c, 8)) c.succeeded(100);
  assert.equal(c.limit, 16);
  // The server queues: each answer takes longer the more are in flight.
  for (let round = 0; round < 10; round++) for (const _t of admitMany(c, c.limit)) c.succeeded(100 * (round + 3));
  assert.ok(c.limit < 64, `growth stopped at ${c.limit}`);
  assert.ok(c.limit >= 8);
});

test("the pool sends to the replica with the most free room and sets an unreachable one aside", async () => {
  const pool = new ReplicaPool(["http://a", "http://b"], 4, 4);
  const leases = await Promise.all(Array.from({ length: 8 }, () => pool.acquire()));
  assert.deepEqual([...new Set(leases.map((l) => l.base))].sort(), ["http://a", "http://b"]);
  assert.equal(leases.filter((l) => l.base === "http://a").length, 4, "four each: both full");
  let waited = false;
  const ninth = pool.acquire().then((l) => ((waited = true), l));
  await new Promise((r) => setImmediate(r));
  assert.equal(waited, false, "no room: it waits");
  const b = leases.find((l) => l.base === "http://b")!;
  pool.release(b, { kind: "unreachable" });
  await new Promise((r) => setImmediate(r));
  assert.equal(waited, false, "b, set aside, takes nothing though it has room");
  const aLeases = leases.filter((x) => x.base === "http://a");
  pool.release(aLeases[0]!, { kind: "answered", latencyMs: 1 });
  assert.equal((await ninth).base, "http://a");
  for (const l of aLeases.slice(1)) pool.release(l, { kind: "answered", latencyMs: 1 });
  const after = await Promise.all(Array.from({ length: 3 }, () => pool.acquire()));
  assert.deepEqual(after.map((l) => l.base), ["http://a", "http://a", "http://a"]);
  assert.equal(pool.othersInService(after[0]!), false, "b is not in service");
});

test("with every replica set aside a request is still let through (to fail and be retried), never left waiting", async () => {
  const pool = new ReplicaPool(["http://a"], 2, 2);
  const l = await pool.acquire();
  pool.release(l, { kind: "unreachable" });
  const again = await Promise.race([pool.acquire(), new Promise((r) => setTimeout(() => r("waited"), 200))]);
  assert.notEqual(again, "waited");
});

test("a request refused for load goes to the head of the queue", async () => {
  const pool = new ReplicaPool(["http://a"], 1, 1);
  const held = await pool.acquire();
  const order: string[] = [];
  const plain = pool.acquire().then((l) => (order.push("plain"), l));
  const refused = pool.acquire(true).then((l) => (order.push("refused"), l));
  pool.release(held, { kind: "answered", latencyMs: 1 });
  const r = await refused;
  pool.release(r, { kind: "answered", latencyMs: 1 });
  await plain;
  assert.deepEqual(order, ["refused", "plain"]);
});
