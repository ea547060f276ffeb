// `runs remove`: a run leaves the workspace's lists and watch loops; its stored results are kept (and come back when
// its folder is added again) or, with --delete-data, deleted; the run folder is never touched.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { cli, cliJson } from "../support/cli.js";
import { tempDir } from "../support/tmp.js";

const files = (dir: string) => readdirSync(dir, { recursive: true }).length;

test("runs remove keeps or deletes a run's stored results, says what, and never touches its folder", async (t) => {
  const dir = tempDir(t);
  const db = join(dir, "w.db");
  assert.equal((await cli(["demo", "--dir", join(dir, "d"), "--steps", "100", "--pace", "fast"])).status, 0);
  const folder = join(dir, "d", "baseline");
  for (const variant of ["baseline", "inoculated"]) {
    const w = await cli(["watch", join(dir, "d", variant), "--once", "--db", db, "--quiet-period", "0.5", "--interval", "0.1"]);
    assert.equal(w.status, 0, w.stderr);
  }
  assert.equal((await cli(["annotate", "baseline", "--step", "20", "--text", "a note", "--db", db])).status, 0);
  const before = files(folder);
  const stored = (id: number) => {
    const raw = new Database(db, { readonly: true });
    try {
      return {
        checkpoints: raw.prepare("SELECT count(*) FROM checkpoint WHERE run_id = ?").pluck().get(id) as number,
        metrics: raw.prepare("SELECT count(*) FROM metric WHERE series_id IN (SELECT id FROM metric_series WHERE run_id = ?)").pluck().get(id) as number,
        annotations: raw.prepare("SELECT count(*) FROM annotation WHERE run_id = ?").pluck().get(id) as number,
      };
    } finally {
      raw.close();
    }
  };
  const runs = await cliJson<{ id: number; name: string }[]>(["runs", "--json", "--db", db]);
  const id = runs.find((r) => r.name === "baseline")!.id;
  const had = stored(id);
  assert.ok(had.checkpoints > 0 && had.metrics > 0 && had.annotations === 1);

  // Kept: out of the list and unknown to commands, its rows still there; it says what it kept and how to get it back.
  const kept = await cli(["runs", "remove", "baseline", "--db", db]);
  assert.equal(kept.status, 0, kept.stderr);
  assert.match(kept.stdout, new RegExp(`removed run "baseline"; what it had stored is kept \\(${had.checkpoints} checkpoints, .*1 annotations\\)`));
  assert.deepEqual((await cliJson<{ name: string }[]>(["runs", "--json", "--db", db])).map((r) => r.name), ["inoculated"]);
  const gone = await cli(["runs", "set", "baseline", "--group", "x", "--db", db]);
  assert.notEqual(gone.status, 0);
  assert.match(gone.stderr, /baseline/);
  assert.deepEqual(stored(id), had);
  assert.equal(files(folder), before);

  // Added again: the same run with everything it had.
  assert.equal((await cli(["watch", folder, "--once", "--db", db, "--quiet-period", "0.5", "--interval", "0.1"])).status, 0);
  const back = await cliJson<{ id: number; name: string; checkpoints: number }[]>(["runs", "--json", "--db", db]);
  assert.equal(back.find((r) => r.name === "baseline")?.id, id);
  assert.deepEqual(stored(id), had);

  // Deleted: every stored row of the run goes, the other run's stay, the folder stays as it was.
  const other = stored(runs.find((r) => r.name === "inoculated")!.id);
  const deleted = await cliJson<{ deleted: boolean; stored: { checkpoints: number } }>(["runs", "remove", String(id), "--delete-data", "--json", "--db", db]);
  assert.equal(deleted.deleted, true);
  assert.equal(deleted.stored.checkpoints, had.checkpoints);
  assert.deepEqual(stored(id), { checkpoints: 0, metrics: 0, annotations: 0 });
  assert.deepEqual(stored(runs.find((r) => r.name === "inoculated")!.id), other);
  assert.equal(files(folder), before);
  const unknown = await cli(["runs", "remove", "nope", "--db", db]);
  assert.notEqual(unknown.status, 0);
  assert.match(unknown.stderr, /nope/);
});
