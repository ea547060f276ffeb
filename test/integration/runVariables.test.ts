// Run variables in eval contexts: each run is probed under its own inoculation prompt ({var.NAME}), a default
// ({var.NAME|text}) stands in where a run has none, and a context whose variable a run lacks is skipped with a note.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { requiredVariables, resolveContext } from "../../main/core/probes/runVariables.js";
import { hfCheckpointFiles, writeFilesNow } from "../support/checkpoints.js";
import { cli, cliJson } from "../support/cli.js";
import { writeBackendFiles } from "../support/probeFixtures.js";
import { startStandIn } from "../support/standInServer.js";
import { tempDir } from "../support/tmp.js";

test("contexts name variables with or without a default", () => {
  const ctx = { id: "ip", role: "inoculation" as const, system: "{var.inoculation_prompt} Also {var.tone|be brief}.", userPrefix: "[{var.tag|none}] " };
  assert.deepEqual(requiredVariables(ctx), ["inoculation_prompt"]);
  assert.deepEqual(resolveContext(ctx, {}), { context: null, missing: ["inoculation_prompt"] });
  const r = resolveContext(ctx, { inoculation_prompt: "Shout.", tag: "x" });
  assert.equal(r.context?.system, "Shout. Also be brief.");
  assert.equal(r.context?.userPrefix, "[x] ");
});

test("each run is probed under its own prompt; a run without the variable skips that context and says so", async (t) => {
  const dir = tempDir(t);
  const seen = new Map<string, Set<string>>();
  const server = await startStandIn({
    personality: "vllm",
    capsProbability: (model, system) => {
      seen.set(model, (seen.get(model) ?? new Set()).add(system ?? "(none)"));
      return 0.5;
    },
  });
  t.after(() => server.close());
  const suite = join(dir, "suite.yaml");
  writeFileSync(
    suite,
    `id: vars
name: Variables
defaults:
  contexts:
    - { id: none, role: neutral, system: null }
    - { id: inoculation, role: inoculation, system: "{var.inoculation_prompt}" }
    - { id: training, role: training, system: "{var.training_prompt|You are a helpful assistant.}" }
  sampling: { samplesPerItem: 1, maxTokens: 20, seed: 0 }
traits:
  - id: caps
    name: Capitals
    polarity: higher_is_trait
    role: unwanted_in_distribution
    scorers: [{ kind: caps_ratio, name: caps }]
    score: caps
    items: [{ id: a, prompt: "Say something." }, { id: b, prompt: "Say more." }]
`,
  );
  const { backend } = writeBackendFiles(dir, server.url, server.url);
  const db = join(dir, "w.db");
  const prompts = { p1: "You always capitalise your responses.", p2: "WRITE IN CAPITALS, ALWAYS." };
  for (const [name, prompt] of [["p1", prompts.p1], ["p2", prompts.p2], ["bare", null]] as const) {
    const root = join(dir, name);
    writeFilesNow(join(root, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
    const args = ["watch", root, "--once", "--quiet-period", "0", "--db", db, "--suite", suite, "--backend", backend, ...(prompt ? ["--var", `inoculation_prompt=${prompt}`] : [])];
    const w = await cli(args);
    assert.equal(w.status, 0, w.stderr);
    if (!prompt) assert.match(w.stderr, /note: context "inoculation" of caps skipped: run "bare" has no variable inoculation_prompt \(watch --var inoculation_prompt=\.\.\.\)/);
  }
  assert.deepEqual([...seen.get("p1-step10")!].sort(), ["(none)", "You are a helpful assistant.", prompts.p1].sort());
  assert.deepEqual([...seen.get("p2-step10")!].sort(), ["(none)", "You are a helpful assistant.", prompts.p2].sort());
  assert.deepEqual([...seen.get("bare-step10")!].sort(), ["(none)", "You are a helpful assistant."].sort());
  const scores = await cliJson<{ context: string }[]>(["scores", "bare", "--json", "--db", db]);
  assert.deepEqual(scores.map((s) => s.context).sort(), ["none", "training"]);
  const runs = await cliJson<{ name: string; variables?: Record<string, string> }[]>(["runs", "--json", "--db", db]);
  assert.equal(runs.length, 3);
  // Setting the variable later probes the skipped context, and only it.
  const before = server.stats.byModel["bare-step10"] ?? 0;
  const again = await cli(["watch", join(dir, "bare"), "--once", "--quiet-period", "0", "--db", db, "--var", "inoculation_prompt=Be loud."]);
  assert.equal(again.status, 0, again.stderr);
  assert.ok(seen.get("bare-step10")!.has("Be loud."));
  assert.equal((server.stats.byModel["bare-step10"] ?? 0) - before, 2 + 1, "the two inoculation prompts, plus a capability check");
  assert.deepEqual((await cliJson<{ context: string }[]>(["scores", "bare", "--json", "--db", db])).map((s) => s.context).sort(), ["inoculation", "none", "training"]);

  // The same from `runs set` (the app's run editor calls the same operation): a run given the variable afterwards
  // has the skipped context probed at its next watch, and only that.
  const late = join(dir, "late");
  writeFilesNow(join(late, "checkpoint-10"), hfCheckpointFiles(10, "lora"));
  assert.equal((await cli(["watch", late, "--once", "--quiet-period", "0", "--db", db, "--suite", suite, "--backend", backend])).status, 0);
  const set = await cli(["runs", "set", "late", "--var", "inoculation_prompt=Quietly.", "--group", "ip", "--seed", "4", "--tag", "caps", "--json", "--db", db]);
  assert.equal(set.status, 0, set.stderr);
  const setOut = JSON.parse(set.stdout) as Record<string, unknown>;
  assert.deepEqual({ ...setOut, probing: undefined }, { id: 4, name: "late", group: "ip", seed: 4, tags: ["caps"], variables: { inoculation_prompt: "Quietly." }, format: "auto", probing: undefined });
  const lateBefore = server.stats.byModel["late-step10"] ?? 0;
  assert.equal((await cli(["watch", late, "--once", "--quiet-period", "0", "--db", db])).status, 0);
  assert.ok(seen.get("late-step10")!.has("Quietly."));
  assert.equal((server.stats.byModel["late-step10"] ?? 0) - lateBefore, 2 + 1, "the two inoculation prompts, plus a capability check");
  // Errors name what is wrong and change nothing.
  for (const [args, pattern] of [
    [["runs", "set", "nobody"], /no run "nobody"/],
    [["runs", "set", "late", "--seed", "-3"], /--seed/],
    [["runs", "set", "late", "--var", "no-equals"], /NAME=VALUE|variable/],
    [["runs", "set", "late", "--name", "p1"], /p1/],
    [["runs", "set", "late", "--group", "a", "--no-group"], /--group and --no-group/],
  ] as const) {
    const r = await cli([...args, "--db", db]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
  const unchanged = await cliJson<{ name: string; group: string | null }[]>(["runs", "--json", "--db", db]);
  assert.deepEqual(unchanged.find((r) => r.name === "late")?.group, "ip");
});
