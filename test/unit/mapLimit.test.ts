// mapLimit: results in input order, never more in flight than the limit, a limit read again as work finishes, and
// no new work started after a failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { mapLimit } from "../../main/core/util/mapLimit.js";

test("mapLimit keeps input order and at most the limit in flight", async () => {
  let active = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (ms, i) => {
    active++;
    most = Math.max(most, active);
    await sleep(ms);
    active--;
    return i * 10;
  });
  assert.deepEqual(out, [0, 10, 20, 30, 40, 50, 60]);
  assert.equal(most, 3);
  assert.deepEqual(await mapLimit([], 4, async () => 1), []);
});

test("mapLimit reads a limit function again whenever one finishes, as it grows and as it falls", async () => {
  let limit = 1;
  let active = 0;
  const seen: number[] = [];
  await mapLimit(Array.from({ length: 40 }, (_, i) => i), () => limit, async (i) => {
    active++;
    seen.push(active);
    await sleep(1);
    active--;
    if (i === 5) limit = 6;
    if (i === 25) limit = 2;
  });
  // Grown: six at once after item 5; fallen: never more than two among the last items started.
  assert.equal(Math.max(...seen), 6);
  assert.ok(Math.max(...seen.slice(-8)) <= 2, `last in flight counts ${seen.slice(-8).join(",")}`);
  // A limit below one still makes progress.
  assert.deepEqual(await mapLimit([1, 2], () => 0, async (x) => x), [1, 2]);
});

test("mapLimit starts nothing more after a failure, and fails with it (thrown or rejected)", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      await sleep(1);
      if (i === 1) throw new Error("item 1 failed");
    }),
    /item 1 failed/,
  );
  await sleep(5);
  assert.ok(started.length <= 3, `started ${started.join(",")}`);
  const syncThrow = ((i: number) => {
    if (i === 0) throw new Error("thrown before any promise");
    return Promise.resolve(i);
  }) as (i: number) => Promise<number>;
  await assert.rejects(mapLimit([0, 1], 1, syncThrow), /thrown before any promise/);
});
