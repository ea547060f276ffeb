import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { previewTraits, suiteTraits } from "../../main/core/probes/probePreview.js";
import { Store } from "../../main/core/store/store.js";
import { tempDir } from "../support/tmp.js";

test("the probing preview counts requests per checkpoint and shows each context's system prompt as a run is probed with it", async (t) => {
  const store = Store.open(join(tempDir(t), "w.db"));
  t.after(() => store.close());
  const suite = await suiteTraits(store.probes, "inoculation");
  const plain = previewTraits([suite]);
  assert.equal(plain.traits.length, suite.traits.length);
  for (const tr of plain.traits) assert.equal(tr.requests, tr.items * tr.samplesPerItem * tr.contexts.length);
  assert.equal(plain.requests, plain.traits.reduce((n, tr) => n + tr.requests, 0));
  assert.ok(plain.judgeRequests > 0, "the suite's judged traits ask the judge");
  // Templates as written without a run; filled with a run's variables, and their defaults where it has none.
  const caps = (p: ReturnType<typeof previewTraits>) => p.traits.find((tr) => tr.trait === "all_caps")!.contexts.find((c) => c.key === "inoculation")!;
  assert.match(caps(plain).system ?? "", /\{var\.inoculation_prompt/);
  assert.equal(caps(previewTraits([suite], { inoculation_prompt: "Shout." })).system, "Shout.");
  assert.doesNotMatch(caps(previewTraits([suite], {})).system ?? "", /\{var\./, "the default stands in for a missing variable");
  // Names only: a file path is refused before anything is read.
  await assert.rejects(suiteTraits(store.probes, "/etc/passwd"), /not a file/);
  await assert.rejects(suiteTraits(store.probes, "no-such-suite"), /neither a built-in suite nor one in this workspace/);
});
