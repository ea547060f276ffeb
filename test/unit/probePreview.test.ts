import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { writeFileSync } from "node:fs";
import { configureProbing } from "../../main/core/probes/probeConfig.js";
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

test("probing set up by the app takes names only: a suite or backend file is refused, even one that exists", async (t) => {
  const dir = tempDir(t);
  const store = Store.open(join(dir, "w.db"));
  t.after(() => store.close());
  const run = store.runs.registerRun({ path: join(dir, "run") });
  const suiteFile = join(dir, "s.yaml");
  writeFileSync(suiteFile, "id: s\nname: S\ntraits:\n  - id: t\n    name: T\n    polarity: higher_is_trait\n    role: control\n    items: [{ id: a, prompt: x }]\n    scorers: [{ kind: caps_ratio, name: c }]\n    score: c\n");
  const backendFile = join(dir, "b.yaml");
  writeFileSync(backendFile, "name: local\nkind: openai\nbaseUrl: http://127.0.0.1:9/v1\nmodel: m\n");
  await assert.rejects(configureProbing(store, run.id, { suites: [suiteFile], backend: "demo", files: false }), /not a file/);
  await assert.rejects(configureProbing(store, run.id, { suites: ["inoculation"], backend: backendFile, files: false }), /no backend of that name is stored/);
  await assert.rejects(configureProbing(store, run.id, { suites: ["inoculation"], backend: "demo", judge: backendFile, files: false }), /no backend of that name is stored/);
  assert.equal(store.settings.getBackend("local"), undefined, "nothing was read from the file and remembered");
  assert.equal(store.runs.getProbeSettings(run.id), null);
  // By name: the built-in suite and the demo backend.
  const ok = await configureProbing(store, run.id, { suites: ["inoculation"], backend: "demo", judge: "demo", files: false });
  assert.equal(ok?.backend.kind, "demo");
  // The command line still takes the files.
  assert.equal((await configureProbing(store, run.id, { suites: [suiteFile], backend: backendFile }))?.backend.name, "local");
});
