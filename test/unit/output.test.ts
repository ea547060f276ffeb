// The CLI's plain table: columns padded to their widest cell, and no limit on the number of rows (a spread of a
// whole column into Math.max overflowed the stack at about 125,000 rows).
import assert from "node:assert/strict";
import { test } from "node:test";
import { printTable } from "../../main/cli/output.js";

test("printTable pads each column to its widest cell, nulls as '-'", () => {
  let text = "";
  printTable({ out: (t) => (text += t), err: () => undefined }, ["run", "step", "mean"], [["long-run-name", 10, 0.5], ["r", 2000, null]]);
  assert.equal(text, "run            step  mean\nlong-run-name  10    0.5\nr              2000  -\n");
});

test("printTable prints 300,000 rows without overflowing the stack", () => {
  let lines = 0;
  let last = "";
  const rows = Array.from({ length: 300_000 }, (_, i) => [`run${i % 10}`, i, i / 7]);
  printTable({ out: (t) => ((lines += 1), (last = t)), err: () => undefined }, ["run", "step", "mean"], rows);
  assert.equal(lines, 300_001);
  assert.match(last, /^run9 {2}299999 +42857/);
});
