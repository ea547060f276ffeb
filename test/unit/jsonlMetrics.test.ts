import assert from "node:assert/strict";
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { isVerlLine, lineToRows, readJsonlMetrics } from "../../main/core/runs/metrics/jsonlMetrics.js";
import { tempDir } from "../support/tmp.js";

test("verl's file logger lines keep their keys as written", () => {
  const line = JSON.stringify({ step: 3, data: { "actor/pg_loss": -0.1, "critic/score/mean": 0.4, "response_length/mean": 210, "timing/gen": null } });
  assert.ok(isVerlLine(line));
  assert.deepEqual(lineToRows(line), [
    { key: "actor/pg_loss", step: 3, value: -0.1, wallTime: null },
    { key: "critic/score/mean", step: 3, value: 0.4, wallTime: null },
    { key: "response_length/mean", step: 3, value: 210, wallTime: null },
    { key: "timing/gen", step: 3, value: null, wallTime: null },
  ]);
});

test("plain metrics.jsonl lines: numbers, nested objects as key paths, a wall time", () => {
  assert.deepEqual(lineToRows('{"step": 7, "reward": 1.5, "time": 1700000000, "eval": {"kl": 0.01}, "tag": "x"}'), [
    { key: "reward", step: 7, value: 1.5, wallTime: 1700000000 },
    { key: "eval/kl", step: 7, value: 0.01, wallTime: 1700000000 },
  ]);
  assert.equal(lineToRows('{"reward": 1}'), 'no integer "step"');
  assert.match(lineToRows("{oops") as string, /invalid JSON/);
  assert.equal(isVerlLine('{"step": 1, "reward": 2}'), false);
});

test("reads up to the last newline, resumes there, and names bad lines by number", async (t) => {
  const path = join(tempDir(t), "metrics.jsonl");
  writeFileSync(path, '{"step": 1, "reward": 0.1}\n{"step": 2, "rew');
  const a = await readJsonlMetrics(path, 0, 1);
  assert.deepEqual(a.rows.map((r) => r.step), [1]);
  assert.equal(a.nextLine, 2);
  appendFileSync(path, 'ard": 0.2}\nnot json\n{"step": 3, "reward": 0.3}\n');
  const b = await readJsonlMetrics(path, a.nextOffset, a.nextLine);
  assert.deepEqual(b.rows.map((r) => [r.step, r.value]), [[2, 0.2], [3, 0.3]]);
  assert.equal(b.problems.length, 1);
  assert.match(b.problems[0]!, new RegExp(`${path}:3: invalid JSON`));
  const c = await readJsonlMetrics(path, b.nextOffset, b.nextLine);
  assert.equal(c.rows.length, 0);
});
