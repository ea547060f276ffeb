// Completion of run folders in the browser: folders only, by prefix, hidden ones only when asked, bounded.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { completeFolder } from "../../main/core/paths/completeFolder.js";
import { tempDir } from "../support/tmp.js";

test("folders that start with the typed name; files and hidden folders are not offered", async (t) => {
  const dir = tempDir(t);
  for (const d of ["run-a", "run-b", "other", ".cache"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "run-file.txt"), "x");
  assert.deepEqual(await completeFolder(join(dir, "run")), { folders: [join(dir, "run-a"), join(dir, "run-b")], truncated: false });
  assert.deepEqual((await completeFolder(dir + "/")).folders, [join(dir, "other"), join(dir, "run-a"), join(dir, "run-b")]);
  assert.deepEqual((await completeFolder(join(dir, ".c"))).folders, [join(dir, ".cache")]);
});

test("a relative path, a missing folder or a file offers nothing; many folders are cut at the limit", async (t) => {
  const dir = tempDir(t);
  for (let i = 0; i < 12; i++) mkdirSync(join(dir, `ckpt-${String(i).padStart(2, "0")}`));
  writeFileSync(join(dir, "f"), "x");
  assert.deepEqual(await completeFolder("relative/path"), { folders: [], truncated: false });
  assert.deepEqual(await completeFolder(join(dir, "missing", "x")), { folders: [], truncated: false });
  assert.deepEqual(await completeFolder(join(dir, "f") + "/"), { folders: [], truncated: false });
  const cut = await completeFolder(join(dir, "ckpt-"), 5);
  assert.equal(cut.folders.length, 5);
  assert.equal(cut.truncated, true);
  assert.equal(cut.folders[0], join(dir, "ckpt-00"));
});
