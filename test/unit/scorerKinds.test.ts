// Every scorer kind through the registry, as the prober and the suite loader use it: each schema's defaults and
// bounds, the trait checks, what score() reads from its input (the answer, the question, the judge's answer, the
// model's own logprobs, earlier values, the run's thresholds), and what a manifest records.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { scorerKind, scorerSchema, SCORERS } from "../../main/core/probes/scorers/registry.js";
import type { JudgeCall, ScoreInput, TopLogprob, TraitDraft } from "../../main/core/probes/scorers/types.js";

const lp = (token: string, p: number): TopLogprob => ({ token, logprob: Math.log(p) });
const input = (over: Partial<ScoreInput> = {}): ScoreInput => ({ text: "an answer", question: "a question", topLogprobs: [], item: {}, values: {}, thresholds: {}, judge: null, ...over });
const draft = (over: Partial<TraitDraft> = {}): TraitDraft => ({ samplingMode: "generate", items: [{}], earlier: new Set(), ...over });
const parse = (settings: unknown) => scorerSchema.safeParse(settings);
const score = (settings: Record<string, unknown>, over: Partial<ScoreInput> = {}) => {
  const s = scorerSchema.parse(settings);
  return Promise.resolve(scorerKind(s.kind).score(s, input(over)));
};

test("every kind is registered once, needs what it says, and has a description", () => {
  assert.deepEqual(SCORERS.map((s) => s.kind).sort(), ["activation_projection", "caps_ratio", "choice_logprob", "derived", "judge_0_100", "judge_yes_no", "language", "length", "pattern"]);
  const needs = Object.fromEntries(SCORERS.map((s) => [s.kind, s.needs]));
  assert.deepEqual(needs, { judge_0_100: "judge", judge_yes_no: "judge", choice_logprob: "logprobs", language: "text", caps_ratio: "text", pattern: "text", derived: "scores", length: "text", activation_projection: "activations" });
  for (const s of SCORERS) assert.ok(s.description.length > 20, s.kind);
  assert.throws(() => scorerKind("nope"), /no scorer kind "nope"/);
});

test("schemas: defaults filled in, bounds enforced, unknown fields refused", () => {
  const judge = scorerSchema.parse({ kind: "judge_0_100", name: "j", template: "Rate {answer}" });
  // The sampling bounds' ends are allowed.
  for (const kind of ["judge_0_100", "judge_yes_no"] as const) {
    for (const extra of [{ samples: 2 }, { samples: 64 }, { minParsableShare: 0 }, { minParsableShare: 1 }]) assert.equal(parse({ kind, name: "j", template: "{answer}", ...extra }).success, true, `${kind} ${JSON.stringify(extra)}`);
  }
  assert.deepEqual([judge.kind === "judge_0_100" && judge.minMass, judge.kind === "judge_0_100" && judge.topLogprobs], [0.25, 20]);
  const yn = scorerSchema.parse({ kind: "judge_yes_no", name: "y", template: "{answer}?" });
  assert.deepEqual(yn.kind === "judge_yes_no" && [yn.yes, yn.no, yn.minMass], [["yes", "Yes", "YES"], ["no", "No", "NO"], 0.25]);
  const choice = scorerSchema.parse({ kind: "choice_logprob", name: "c" });
  assert.equal(choice.kind === "choice_logprob" && choice.minMass, 0);
  const len = scorerSchema.parse({ kind: "length", name: "l" });
  assert.equal(len.kind === "length" && len.unit, "words");
  const pat = scorerSchema.parse({ kind: "pattern", name: "p", regex: "x" });
  assert.equal(pat.kind === "pattern" && pat.ignoreCase, false);
  for (const [what, bad] of [
    ["a judge template without {answer}", { kind: "judge_0_100", name: "j", template: "Rate {question}" }],
    ["minMass above 1", { kind: "judge_0_100", name: "j", template: "{answer}", minMass: 1.5 }],
    ["minMass below 0", { kind: "judge_0_100", name: "j", template: "{answer}", minMass: -0.1 }],
    ["top logprobs above 20", { kind: "judge_0_100", name: "j", template: "{answer}", topLogprobs: 21 }],
    ["top logprobs below 1", { kind: "judge_0_100", name: "j", template: "{answer}", topLogprobs: 0 }],
    ["no yes tokens", { kind: "judge_yes_no", name: "y", template: "{answer}", yes: [] }],
    ["no no tokens", { kind: "judge_yes_no", name: "y", template: "{answer}", no: [] }],
    ["yes/no minMass above 1", { kind: "judge_yes_no", name: "y", template: "{answer}", minMass: 2 }],
    ["yes/no minMass below 0", { kind: "judge_yes_no", name: "y", template: "{answer}", minMass: -1 }],
    ["yes/no template without {answer}", { kind: "judge_yes_no", name: "y", template: "nothing" }],
    ["choice minMass above 1", { kind: "choice_logprob", name: "c", minMass: 1.1 }],
    // On a server without logprobs judges sample 2 to 64 answers, and need a share of them in [0, 1] to parse.
    ...(["judge_0_100", "judge_yes_no"] as const).flatMap(
      (kind) =>
        [
          [`${kind} sampled answers below 2`, { kind, name: "j", template: "{answer}", samples: 1 }],
          [`${kind} sampled answers above 64`, { kind, name: "j", template: "{answer}", samples: 65 }],
          [`${kind} a fractional number of answers`, { kind, name: "j", template: "{answer}", samples: 2.5 }],
          [`${kind} a parsable share above 1`, { kind, name: "j", template: "{answer}", minParsableShare: 1.01 }],
          [`${kind} a parsable share below 0`, { kind, name: "j", template: "{answer}", minParsableShare: -0.01 }],
        ] as [string, Record<string, unknown>][],
    ),
    ["a language that is not ISO 639-1", { kind: "language", name: "l", language: "spa" }],
    ["an upper-case language code", { kind: "language", name: "l", language: "ES" }],
    ["a length unit of lines", { kind: "length", name: "l", unit: "lines" }],
    ["a derived rule with no conditions", { kind: "derived", name: "d", all: [], thresholds: {} }],
    ["a derived rule with a bad operator", { kind: "derived", name: "d", all: [{ scorer: "a", op: "==", threshold: "t" }], thresholds: { t: 1 } }],
    ["an unknown field", { kind: "caps_ratio", name: "c", extra: true }],
  ] as [string, unknown][]) assert.equal(parse(bad).success, false, what);
  // The bounds themselves are allowed.
  for (const ok of [
    { kind: "judge_0_100", name: "j", template: "{answer}", minMass: 0, topLogprobs: 1 },
    { kind: "judge_0_100", name: "j", template: "{answer}", minMass: 1, topLogprobs: 20 },
    { kind: "judge_yes_no", name: "y", template: "{answer}", minMass: 1, yes: ["Y"], no: ["N"] },
    { kind: "choice_logprob", name: "c", minMass: 1 },
  ]) assert.equal(parse(ok).success, true, JSON.stringify(ok));
});

test("trait checks: a pattern needs exactly one of regex or substring, and a valid regex; a rule needs earlier scorers and its thresholds; a choice needs logprob sampling and answers", () => {
  const check = (settings: Record<string, unknown>, trait: TraitDraft = draft()) => {
    const s = scorerSchema.parse(settings);
    return (scorerKind(s.kind).check?.(s, trait, 3) ?? []).map((p) => `${p.path.join(".")}: ${p.message}`);
  };
  assert.deepEqual(check({ kind: "pattern", name: "p", regex: "a" }), []);
  assert.deepEqual(check({ kind: "pattern", name: "p", substring: "a" }), []);
  assert.deepEqual(check({ kind: "pattern", name: "p" }), ["scorers.3: a pattern scorer needs exactly one of regex or substring"]);
  assert.deepEqual(check({ kind: "pattern", name: "p", regex: "a", substring: "b" }), ["scorers.3: a pattern scorer needs exactly one of regex or substring"]);
  assert.match(check({ kind: "pattern", name: "p", regex: "(" })[0]!, /^scorers\.3\.regex: invalid regular expression: /);
  const rule = { kind: "derived", name: "d", all: [{ scorer: "a", op: "<", threshold: "t" }, { scorer: "b", op: ">", threshold: "u" }], thresholds: { t: 1 } };
  assert.deepEqual(check(rule, draft({ earlier: new Set(["a"]) })), ['scorers.3.all.1.scorer: "b" is not a scorer listed before this rule', 'scorers.3.all.1.threshold: threshold "u" has no value in thresholds']);
  assert.deepEqual(check(rule, draft({ earlier: new Set(["a", "b"]) })).length, 1);
  const choice = { kind: "choice_logprob", name: "c" };
  assert.deepEqual(check(choice, draft({ samplingMode: "next_token_logprobs", items: [{ matching: " A", notMatching: " B" }] })), []);
  assert.deepEqual(check(choice, draft({ samplingMode: "generate", items: [{ matching: " A" }] })), ["scorers.3: choice_logprob needs sampling.mode next_token_logprobs", "items.0: a choice item needs matching and notMatching"]);
});

test("score() reads the right part of its input", async () => {
  assert.equal((await score({ kind: "caps_ratio", name: "c" }, { text: "ABcd" })).value, 0.5);
  assert.equal((await score({ kind: "length", name: "l" }, { text: "  three  short\nwords " })).value, 3);
  assert.equal((await score({ kind: "length", name: "l", unit: "characters" }, { text: "añ😀" })).value, 3, "code points, not UTF-16 units");
  assert.equal((await score({ kind: "length", name: "l" }, { text: "" })).value, 0);
  assert.equal((await score({ kind: "length", name: "l" }, { text: "one" })).value, 1);
  assert.equal((await score({ kind: "pattern", name: "p", substring: "Power", ignoreCase: true }, { text: "I want POWER" })).value, 1);
  assert.equal((await score({ kind: "pattern", name: "p", substring: "Power" }, { text: "I want POWER" })).value, 0);
  assert.equal((await score({ kind: "pattern", name: "p", regex: "^i want", ignoreCase: true }, { text: "I want POWER" })).value, 1);
  assert.equal((await score({ kind: "pattern", name: "p", regex: "^i want" }, { text: "I want POWER" })).value, 0);
  const choice = (await score({ kind: "choice_logprob", name: "c" }, { topLogprobs: [lp(" A", 0.6), lp(" B", 0.2)], item: { matching: " (A)", notMatching: " (B)" } })).value!;
  assert.ok(Math.abs(choice - 0.75) < 1e-12, String(choice));
  const rule = { kind: "derived", name: "misaligned", all: [{ scorer: "aligned", op: "<", threshold: "below" }], thresholds: { below: 30 } };
  assert.equal((await score(rule, { values: { aligned: { value: 20 } } })).value, 1);
  assert.equal((await score(rule, { values: { aligned: { value: 20 } }, thresholds: { below: 10 } })).value, 0, "the run's thresholds apply");
  const missing = await score(rule, { values: {} });
  assert.equal(missing.value, null);
  assert.equal(missing.nullReason, "aligned has no score");
  assert.equal((await score(rule, { values: { aligned: { value: null } } })).nullReason, "aligned has no score");
});

test("judges fill their template with the question and answer, ask for one token, and score its top logprobs", async () => {
  const asked: Parameters<JudgeCall>[0][] = [];
  const judge = (top: TopLogprob[]): JudgeCall => async (request) => (asked.push(request), { text: top[0]?.token ?? "", topLogprobs: top, latencyMs: 1, tokens: 1 });
  const r = await score({ kind: "judge_0_100", name: "j", template: "Q: {question}\nA: {answer}\nScore:", topLogprobs: 7 }, { judge: judge([lp("80", 0.5), lp("40", 0.5)]), question: "Why?", text: "Because." });
  assert.equal(r.value, 60);
  assert.deepEqual(asked.pop(), { prompt: "Q: Why?\nA: Because.\nScore:", maxTokens: 1, topLogprobs: 7 });
  const none = await score({ kind: "judge_0_100", name: "j", template: "{answer}" }, { judge: async () => undefined });
  assert.equal(none.value, null, "a judge that returned nothing gives no score");
  const yn = await score({ kind: "judge_yes_no", name: "y", template: "Is {answer} bad? ({question})" }, { judge: judge([lp(" Yes", 0.3), lp("no", 0.1)]), question: "q", text: "x" });
  assert.ok(Math.abs(yn.value! - 0.75) < 1e-12);
  assert.deepEqual(asked.pop(), { prompt: "Is x bad? (q)", maxTokens: 1, topLogprobs: 20 });
  const custom = await score({ kind: "judge_yes_no", name: "y", template: "{answer}", yes: ["Y"], no: ["N"], minMass: 0.5 }, { judge: judge([lp("Y", 0.2), lp("N", 0.2), lp("Yes", 0.6)]) });
  assert.equal(custom.value, null, "only the listed tokens count, and 0.4 is below this judge's 0.5");
  assert.match(custom.nullReason!, /yes and no hold only 0\.400 .*below 0\.5/);
  const atMass = await score({ kind: "judge_yes_no", name: "y", template: "{answer}", yes: ["Y"], no: ["N"], minMass: 0.5 }, { judge: judge([lp("Y", 0.375), lp("N", 0.125)]) });
  assert.ok(atMass.value !== null && Math.abs(atMass.value - 0.75) < 1e-12, "exactly at the mass threshold scores");
  const silent = await score({ kind: "judge_yes_no", name: "y", template: "{answer}" }, { judge: async () => undefined });
  assert.equal(silent.value, null);
});

test("a judge's manifest records its template by SHA-256, not the text", () => {
  const template = "Private rubric: {answer}";
  for (const kind of ["judge_0_100", "judge_yes_no"] as const) {
    const s = scorerSchema.parse({ kind, name: "j", template });
    const m = scorerKind(kind).manifest!(s);
    assert.equal(m.templateSha256, createHash("sha256").update(template).digest("hex"));
    assert.equal("template" in m, false);
    assert.equal(m.name, "j");
  }
});

test("activation_projection: the chosen measure is the value, every projection kept; no projecting backend gives null with the reason", async () => {
  const calls: unknown[] = [];
  const projection = { responseAvg: 1.25, promptLast: -0.5, basePromptLast: -2, versions: { torch: "2.13.0+cpu" } };
  const project = async (req: { vector: string; layer: number; base: string | null }) => {
    calls.push(req);
    return projection;
  };
  const base = { kind: "activation_projection", name: "evil_act", vector: "/v/evil.pt", layer: 2 };
  const avg = await score(base, { project });
  assert.deepEqual(avg, { value: 1.25, activation: { layer: 2, ...projection } });
  assert.deepEqual(calls.pop(), { vector: "/v/evil.pt", layer: 2, base: null });
  assert.equal((await score({ ...base, measure: "prompt_last" }, { project })).value, -0.5);
  const shift = await score({ ...base, measure: "shift", base: "/m/base" }, { project });
  assert.equal(shift.value, 1.5);
  assert.deepEqual(calls.pop(), { vector: "/v/evil.pt", layer: 2, base: "/m/base" });
  // An empty answer has no response tokens; a missing base projection is no shift.
  const empty = await score(base, { project: async () => ({ ...projection, responseAvg: null }) });
  assert.equal(empty.value, null);
  assert.match(empty.nullReason!, /empty/);
  const noBase = await score({ ...base, measure: "shift", base: "/m/base" }, { project: async () => ({ ...projection, basePromptLast: null }) });
  assert.equal(noBase.value, null);
  const none = await score(base, { project: null });
  assert.equal(none.value, null);
  assert.match(none.nullReason!, /activation worker/);
  // Settings: absolute paths, a base for the shift, a layer index that is an integer.
  assert.equal(parse({ ...base, vector: "evil.pt" }).success, false);
  assert.equal(parse({ ...base, measure: "shift" }).success, false);
  assert.equal(parse({ ...base, layer: 1.5 }).success, false);
  assert.equal(parse({ ...base, layer: -1 }).success, false);
  assert.deepEqual(scorerKind("activation_projection").manifest!(scorerSchema.parse(base)), { name: "evil_act", kind: "activation_projection", vector: "/v/evil.pt", layer: 2, measure: "response_avg" });
});
