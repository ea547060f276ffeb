// The CLI's plain table: columns padded to their widest cell, and no limit on the number of rows (a spread of a
// whole column into Math.max overflowed the stack at about 125,000 rows).
import assert from "node:assert/strict";
import { test } from "node:test";
import { printJson, printTable, streamJsonRows, streamTable } from "../../main/cli/output.js";

test("printTable pads each column to its widest cell, nulls as '-'", () => {
  let text = "";
  printTable({ out: (t) => (text += t), err: () => undefined }, ["run", "step", "mean"], [["long-run-name", 10, 0.5], ["r", 2000, null]]);
  assert.equal(text, "run            step  mean\nlong-run-name  10    0.5\nr              2000  -\n");
});

test("printTable prints 300,000 rows without overflowing the stack", () => {
  let text = "";
  const rows = Array.from({ length: 300_000 }, (_, i) => [`run${i % 10}`, i, i / 7]);
  printTable({ out: (t) => (text += t), err: () => undefined }, ["run", "step", "mean"], rows);
  const lines = text.split("\n");
  assert.equal(lines.length - 1, 300_001);
  assert.match(lines[lines.length - 2]!, /^run9 {2}299999 +42857/);
});

test("streamed JSON rows are the same text as printJson of the array; streamed tables as printTable", async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ trait: `t${i % 7}`, step: i, mean: i % 5 === 0 ? null : i / 3, nested: { a: [i, "x"] } }));
  async function* gen<T>(xs: T[]) {
    for (const x of xs) yield x;
  }
  for (const xs of [rows, rows.slice(0, 1), []]) {
    let streamed = "";
    let chunks = 0;
    await streamJsonRows({ out: (t) => ((streamed += t), chunks++), err: () => undefined, drained: async () => undefined }, gen(xs));
    let whole = "";
    printJson({ out: (t) => (whole += t), err: () => undefined }, xs);
    assert.equal(streamed, whole, `${xs.length} rows`);
    if (xs.length === 3000) assert.ok(chunks > 3, "written in chunks, not at once");
  }
  const cells = rows.map((r) => [r.trait, r.step, r.mean]);
  let streamed = "";
  await streamTable({ out: (t) => (streamed += t), err: () => undefined }, ["trait", "step", "mean"], () => gen(cells));
  let whole = "";
  printTable({ out: (t) => (whole += t), err: () => undefined }, ["trait", "step", "mean"], cells);
  assert.equal(streamed, whole);
});
