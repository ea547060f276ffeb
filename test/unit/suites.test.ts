import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { builtinSuiteIds, loadBuiltinSuite } from "../../main/core/probes/builtins.js";
import { importSuiteFile } from "../../main/core/probes/importers/index.js";
import { loadSuiteFile, parseSuite, SuiteError } from "../../main/core/probes/suiteLoader.js";
import { buildMessages, wordings } from "../../main/core/schedule/prober.js";
import { fixture, needsFixture, PROJECT_ROOT } from "../support/sharedFixtures.js";
import { tempDir } from "../support/tmp.js";

test("the built-in suites load and are as large as a researcher needs", async () => {
  assert.deepEqual(builtinSuiteIds(), ["inoculation", "motivations"]);
  const ino = (await loadBuiltinSuite("inoculation"))!.suite;
  assert.deepEqual(ino.traits.map((t) => [t.id, t.role]), [
    ["spanish", "wanted"],
    ["all_caps", "unwanted_in_distribution"],
    ["emergent_misalignment", "unwanted_out_of_distribution"],
  ]);
  for (const t of ino.traits) {
    assert.ok(t.items.length >= 30, `${t.id}: ${t.items.length} items`);
    assert.deepEqual(t.contexts.map((c) => c.role), ["neutral", "training", "inoculation", "paraphrase", "benign_structure", "negation", "keyword", "placebo"], "the grid of inoculation studies");
  }
  const mot = (await loadBuiltinSuite("motivations"))!.suite;
  assert.deepEqual(mot.traits.map((t) => t.id), ["power_seeking", "deception", "sycophancy", "malice", "self_preservation"]);
  for (const t of mot.traits) {
    assert.ok(t.items.length >= 20, `${t.id}: ${t.items.length} items`);
    assert.ok(t.scorers.some((s) => s.kind === "judge_0_100" && s.name === t.id));
    assert.ok(t.scorers.some((s) => s.kind === "judge_0_100" && s.name === "coherence"));
  }
  // Every prompt is distinct within a suite: a copy-paste slip would weaken the instrument.
  for (const s of [ino, mot]) {
    const prompts = s.traits.flatMap((t) => t.items.map((i) => i.prompt));
    assert.equal(new Set(prompts).size, prompts.length, s.id);
  }
});

test("a suite's version is the hash of its content: stable, and new when the content changes", async (t) => {
  const file = join(PROJECT_ROOT, "assets", "suites", "inoculation.yaml");
  const a = await loadSuiteFile(file);
  const b = await loadSuiteFile(file);
  assert.equal(a.version, b.version);
  const copy = join(tempDir(t), "ino.yaml");
  writeFileSync(copy, readFileSync(file, "utf8").replace("samplesPerItem: 2", "samplesPerItem: 3"));
  assert.notEqual((await loadSuiteFile(copy)).version, a.version);
  // Formatting alone does not change it.
  writeFileSync(copy, readFileSync(file, "utf8").replace(/^# .*$/gm, "# reworded comment"));
  assert.equal((await loadSuiteFile(copy)).version, a.version);
});

const BAD = join(PROJECT_ROOT, "test", "fixtures", "bad-suites");
const EXPECTED: Record<string, { line: number; match: RegExp }> = {
  "yaml-syntax.yaml": { line: 6, match: /Missing closing "quote|unterminated|Unexpected end/i },
  "missing-field.yaml": { line: 4, match: /traits\[0\]\.polarity/ },
  "unknown-key.yaml": { line: 4, match: /itmes/ },
  "bad-score-ref.yaml": { line: 10, match: /traits\[0\]\.score: "capitals" is not one of this trait's scorers/ },
  "duplicate-items.yaml": { line: 10, match: /traits\[0\]\.items\[1\]\.id: duplicate id "a"/ },
  "bad-derived.yaml": { line: 13, match: /"aligned" is not a scorer listed before this rule/ },
  "judge-template.json": { line: 11, match: /traits\[0\]\.scorers\[0\]\.template: a judge template needs \{answer\}/ },
  "choice-without-answers.yaml": { line: 9, match: /a choice item needs matching and notMatching/ },
  "bad-regex.yaml": { line: 9, match: /invalid regular expression/ },
  "bad-sampling.yaml": { line: 4, match: /defaults\.sampling\.temperature/ },
};

for (const [name, want] of Object.entries(EXPECTED)) {
  test(`bad suite ${name}: the error names file, line and column`, async () => {
    const file = join(BAD, name);
    await assert.rejects(loadSuiteFile(file), (err: unknown) => {
      assert.ok(err instanceof SuiteError, String(err));
      const p = err.problems[0]!;
      assert.equal(p.file, file);
      assert.equal(p.line, want.line, err.message);
      assert.ok(p.column >= 1);
      assert.match(err.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${want.line}:\\d+: `));
      assert.match(err.message, want.match);
      return true;
    });
  });
}

test("importing Anthropic persona evals: choice items, labels and answer tokens as written", { skip: needsFixture("suites/anthropic-evals/narcissism.jsonl") }, async () => {
  const s = await importSuiteFile(fixture("suites/anthropic-evals/desire-for-acquiring-power.jsonl"), "anthropic-evals");
  const t = s.suite.traits[0]!;
  assert.equal(t.id, "desire-for-acquiring-power");
  assert.equal(t.items.length, 1000);
  assert.equal(t.items.filter((i) => i.matching === " Yes").length, 500);
  assert.equal(t.items[0]!.notMatching, " No");
  assert.ok(t.items[0]!.prompt.startsWith("Is the following statement something you would say?"));
  assert.ok(Math.abs(t.items[0]!.labelConfidence! - 0.9191493252825068) < 1e-15);
  assert.equal(t.sampling.mode, "next_token_logprobs");
  assert.equal(s.suite.license, "CC-BY-4.0");
  const n = await importSuiteFile(fixture("suites/anthropic-evals/narcissism.jsonl"), "anthropic-evals", { limit: 10 });
  assert.equal(n.suite.traits[0]!.items.length, 10);
});

test("importing the advanced-ai-risk form: (A)/(B) answers", async (t) => {
  const file = join(tempDir(t), "power-seeking-inclination.jsonl");
  const q = (i: number, m: string) => JSON.stringify({ question: `Question ${i}\n\nChoices:\n (A) Yes, more power\n (B) No thanks`, answer_matching_behavior: m, answer_not_matching_behavior: m === " (A)" ? " (B)" : " (A)" });
  writeFileSync(file, [q(1, " (A)"), q(2, " (B)"), ""].join("\n"));
  const s = await importSuiteFile(file, "anthropic-evals");
  assert.deepEqual(s.suite.traits[0]!.items.map((i) => [i.matching, i.notMatching]), [[" (A)", " (B)"], [" (B)", " (A)"]]);
  writeFileSync(file, q(1, " (A)") + "\n{broken\n");
  await assert.rejects(importSuiteFile(file, "anthropic-evals"), new RegExp(`${file}:2: invalid JSON`));
});

test("importing a persona-vectors trait: 20 questions, its judge template, positive and negative controls", { skip: needsFixture("suites/persona-vectors/evil.json") }, async () => {
  const s = await importSuiteFile(fixture("suites/persona-vectors/evil.json"), "persona-vectors");
  const t = s.suite.traits[0]!;
  assert.equal(t.items.length, 20);
  assert.deepEqual(t.contexts.map((c) => c.id), ["none", "persona_pos", "persona_neg"]);
  assert.equal(t.contexts[0]!.system, null);
  const judge = t.scorers.find((x) => x.name === "evil");
  assert.ok(judge && judge.kind === "judge_0_100" && judge.template.includes("{question}") && judge.template.includes("{answer}"));
  assert.equal(t.sampling.samplesPerItem, 10);
});

test("importing emergent-misalignment YAML: anchors resolved, per-question system prompts applied", { skip: needsFixture("suites/emergent-misalignment/first_plot_questions.yaml") }, async () => {
  const s = await importSuiteFile(fixture("suites/emergent-misalignment/first_plot_questions.yaml"), "em-yaml", { samples: 5 });
  assert.equal(s.suite.judgeModel, "gpt-4o-2024-08-06");
  const t = s.suite.traits[0]!;
  assert.equal(s.suite.traits.length, 1); // every question shares one pair of judge prompts through an anchor
  assert.equal(t.items.length, 24);
  const withSystem = t.items.filter((i) => i.system);
  assert.equal(withSystem.length, 8);
  assert.ok(withSystem.every((i) => i.id.endsWith("_json")));
  assert.deepEqual(t.scorers.map((x) => x.name), ["aligned", "coherent", "misaligned"]);
  assert.equal(t.sampling.samplesPerItem, 5);
  // The system prompt reaches the model: it is in the messages built for the item.
  const item = withSystem[0]!;
  const messages = buildMessages(t.contexts[0]!, item, wordings(item)[0]!);
  assert.equal(messages[0]!.role, "system");
  assert.equal(messages[0]!.content, item.system);
  assert.ok(t.items.every((i) => wordings(i).length >= 1));
});

test("a suite written in code validates like a file, and problems are all reported", () => {
  assert.throws(
    () => parseSuite("inline.yaml", "id: x\nname: y\ntraits: []\n"),
    (err: unknown) => err instanceof SuiteError && err.problems[0]!.line === 3 && /traits/.test(err.message),
  );
});
