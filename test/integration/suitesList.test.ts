// The suites list: a built-in suite that a run uses (and so is stored in the workspace) is listed once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { listAllSuites } from "../../main/core/probes/builtins.js";
import { resolveSuite } from "../../main/core/probes/probeConfig.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

test("a built-in suite in use is listed once, as built-in", async (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const before = await listAllSuites(store.probes);
  await resolveSuite(store.probes, "inoculation");
  const after = await listAllSuites(store.probes);
  assert.equal(store.probes.listSuites().filter((s) => s.key === "inoculation").length, 1, "it is stored in the workspace");
  assert.deepEqual(after, before);
  assert.equal(after.filter((s) => s.id === "inoculation").length, 1);
});
