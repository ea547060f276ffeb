// `driftscope scores` and `metrics` on a long run: every row printed, through a pipe, in bounded memory.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { cliPeakRss } from "../support/peakRss.js";
import { buildScoresDb } from "../support/scoresDb.js";
import { tempDir } from "../support/tmp.js";

test("scores on 200,000 rows: all printed, as a table and as JSON, with peak memory at most 300 MB", { timeout: 120_000 }, async (t) => {
  const db = join(tempDir(t), "w.db");
  buildScoresDb(db, { runs: 1, checkpoints: 10_000, traits: 20 });
  const table = await cliPeakRss(["scores", "--db", db, "run-0"]);
  assert.equal(table.status, 0, table.stderr);
  assert.equal(table.stdout.split("\n").length - 1, 200_001, "a header and every row");
  assert.ok(table.peakMb <= 300, `table: peak ${table.peakMb.toFixed(0)} MB`);
  const json = await cliPeakRss(["scores", "--db", db, "run-0", "--json"]);
  assert.equal(json.status, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as { trait: string; step: number }[];
  assert.equal(rows.length, 200_000);
  assert.deepEqual(rows[0], { ...rows[0], trait: "trait0", step: 10 });
  assert.ok(json.peakMb <= 300, `JSON: peak ${json.peakMb.toFixed(0)} MB`);
});
