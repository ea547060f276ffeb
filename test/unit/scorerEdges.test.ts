// The scorers at their edges, with answers worked out by hand: the judge's 0-100 range ends and mass threshold,
// tokens that are not integers, the choice scorer with one answer missing from the top logprobs, and derived
// rules exactly at their thresholds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { choiceLogprob } from "../../main/core/probes/scorers/choiceLogprob.js";
import { derivedRule, type DerivedSettings } from "../../main/core/probes/scorers/derived.js";
import { judge0to100, judge0to100FromProbabilities, parseIntToken } from "../../main/core/probes/scorers/judge0to100.js";

test("judge 0-100: both ends of the range count, just outside does not", () => {
  assert.equal(judge0to100FromProbabilities([["100", 0.5], ["0", 0.5]]).value, 50);
  assert.equal(judge0to100FromProbabilities([["100", 1]]).value, 100);
  assert.equal(judge0to100FromProbabilities([["0", 1]]).value, 0);
  // 101 and -1 are integers but out of range: only the 50 counts.
  assert.equal(judge0to100FromProbabilities([["101", 0.3], ["-1", 0.3], ["50", 0.4]]).value, 50);
  assert.equal(judge0to100FromProbabilities([["-0", 0.5], ["+100", 0.5]]).value, 50, "signed zero and +100 are 0 and 100, as Python's int reads them");
});

test("judge 0-100: the mass threshold is inclusive (exactly 0.25 scores; just below is null)", () => {
  const at = judge0to100FromProbabilities([["40", 0.125], ["80", 0.125], ["REFUSAL", 0.75]]);
  assert.equal(at.value, 60, "0.125 + 0.125 is exactly 0.25");
  const below = judge0to100FromProbabilities([["40", 0.125], ["80", 0.124], ["REFUSAL", 0.751]]);
  assert.equal(below.value, null);
  assert.match(below.nullReason!, /only 0\.249 of .*\(below 0\.25\)/);
  assert.equal(judge0to100FromProbabilities([["40", 0.1]], 0.1).value, 40, "a threshold of the suite's own is inclusive too");
  assert.equal(judge0to100FromProbabilities([]).nullReason, "the judge returned no logprobs");
});

test("judge 0-100: REFUSAL and tokens that are not integers hold no score mass", () => {
  for (const token of ["REFUSAL", "4.0", "1e2", "½", "٣", "0x10", "5%", "", " ", "10 0", "seven"]) assert.equal(parseIntToken(token), null, JSON.stringify(token));
  for (const [token, k] of [["7", 7], [" 7", 7], ["7 ", 7], ["+7", 7], ["007", 7], ["-3", -3]] as const) assert.equal(parseIntToken(token), k, JSON.stringify(token));
  // 0.6 on REFUSAL and 0.1 on "4.0": the score is over the 0.3 on 20 and 30 alone.
  const r = judge0to100([
    { token: "REFUSAL", logprob: Math.log(0.6) },
    { token: "4.0", logprob: Math.log(0.1) },
    { token: "20", logprob: Math.log(0.2) },
    { token: "30", logprob: Math.log(0.1) },
  ]);
  assert.ok(Math.abs(r.value! - (20 * 0.2 + 30 * 0.1) / 0.3) < 1e-12, String(r.value));
});

test("choice logprob: one answer missing from the top logprobs gives a score only when its bound is narrow", () => {
  const lp = Math.log;
  // One top logprob returned (a server capped at 1): the missing answer may be as likely as the one shown.
  const one = choiceLogprob([{ token: " Yes", logprob: lp(0.55) }], " Yes", " No");
  assert.equal(one.value, null, "never a silent 1");
  assert.match(one.nullReason!, /only "Yes" is among the 1 top logprob returned; "No" is less likely than 0\.550.*\[0\.500, 1\.000\]/);
  const oneNo = choiceLogprob([{ token: "No", logprob: lp(0.7) }], " Yes", " No");
  assert.equal(oneNo.value, null, "never a silent 0");
  // Twenty returned, the least at 0.001: No holds at most 0.001, so P(Yes) / (P(Yes) + P(No)) is in [0.9/0.901, 1].
  const many = [{ token: "Yes", logprob: lp(0.9) }, ...Array.from({ length: 19 }, (_, i) => ({ token: `t${i}`, logprob: lp(0.001) }))];
  const narrow = choiceLogprob(many, " Yes", " No");
  assert.ok(Math.abs(narrow.value! - (0.9 / 0.901 + 1) / 2) < 1e-12, String(narrow.value));
  // The same with the least at 0.05: the range [0.947, 1] is too wide to report.
  const wide = choiceLogprob([{ token: "Yes", logprob: lp(0.9) }, { token: "Sure", logprob: lp(0.05) }], " Yes", " No");
  assert.equal(wide.value, null);
  // Only No present, with the least likely token at 0.0001: P(Yes) / (...) is in [0, 0.0001 / 0.8001].
  const onlyNo = choiceLogprob([{ token: " No", logprob: lp(0.8) }, { token: "x", logprob: lp(0.0001) }], " Yes", " No");
  assert.ok(Math.abs(onlyNo.value! - 0.0001 / 0.8001 / 2) < 1e-12, String(onlyNo.value));
  // Both present: the plain ratio, and variants of one answer add up.
  assert.ok(Math.abs(choiceLogprob([{ token: " Yes", logprob: lp(0.3) }, { token: "yes", logprob: lp(0.1) }, { token: "No", logprob: lp(0.1) }], " Yes", " No").value! - 0.8) < 1e-12);
  // minMass: both answers together below it is null, exactly at it is scored.
  assert.equal(choiceLogprob([{ token: "(A", logprob: lp(0.1) }, { token: "B", logprob: lp(0.1) }, { token: "z", logprob: lp(0.8) }], " (A)", " (B)", 0.3).value, null);
  assert.equal(choiceLogprob([{ token: "(A", logprob: lp(0.25) }, { token: "B", logprob: lp(0.25) }], " (A)", " (B)", 0.5).value, 0.5);
});

test("derived rules exactly at their thresholds: strict and non-strict comparisons differ there", () => {
  const rule = (op: "<" | "<=" | ">" | ">="): DerivedSettings => ({ kind: "derived", name: "r", all: [{ scorer: "a", op, threshold: "t" }], thresholds: { t: 30 } });
  const at = { a: { value: 30 } };
  assert.deepEqual(["<", "<=", ">", ">="].map((op) => derivedRule(rule(op as "<"), at).value), [0, 1, 0, 1]);
  const justBelow = { a: { value: 29.999999 } };
  assert.deepEqual(["<", "<=", ">", ">="].map((op) => derivedRule(rule(op as "<"), justBelow).value), [1, 1, 0, 0]);
  // A run's override under the rule's own name wins over a bare one, which wins over the suite's default.
  assert.equal(derivedRule(rule("<"), at, { t: 40 }).value, 1);
  assert.equal(derivedRule(rule("<"), at, { t: 40, "r.t": 20 }).value, 0);
  // Every condition must hold; one null input makes the rule null, whatever the others say.
  const both: DerivedSettings = { kind: "derived", name: "m", all: [{ scorer: "a", op: "<", threshold: "lo" }, { scorer: "c", op: ">", threshold: "hi" }], thresholds: { lo: 30, hi: 50 } };
  assert.equal(derivedRule(both, { a: { value: 29 }, c: { value: 50 } }).value, 0, "coherent exactly 50 is not above 50");
  assert.equal(derivedRule(both, { a: { value: 29 }, c: { value: 50.5 } }).value, 1);
  assert.equal(derivedRule(both, { a: { value: 31 }, c: { value: null } }).value, null);
});

test("judge yes/no on a server without logprobs: sampled answers count by their first word, marked sampled", async () => {
  const { scorerKind, scorerSchema } = await import("../../main/core/probes/scorers/registry.js");
  const settings = scorerSchema.parse({ kind: "judge_yes_no", name: "yn", template: "Is this rude? {answer}", samples: 4 });
  const kind = scorerKind("judge_yes_no");
  const run = (answers: string[]) =>
    kind.score(settings, {
      text: "an answer",
      question: "q",
      topLogprobs: [],
      item: {},
      values: {},
      thresholds: {},
      judge: async () => ({ text: "Yes", latencyMs: 1 }),
      judgeSample: async ({ n }) => answers.slice(0, n).map((text) => ({ text, latencyMs: 1 })),
    });
  // "Yes." and "yes," and "No!" parse by their first word; "Maybe" does not.
  const v = await run(["Yes.", "yes, surely", "No! never", "Maybe"]);
  assert.equal(v.value, 2 / 3);
  assert.equal(v.estimator, "sampled");
  assert.deepEqual(v.answers, ["Yes.", "yes, surely", "No! never", "Maybe"]);
  // Fewer than half parse: null, with how many did.
  const few = await run(["Maybe", "Perhaps", "yes", "unclear"]);
  assert.equal(few.value, null);
  assert.match(few.nullReason!, /only 1 of its 4 sampled answers were yes or no \(below 0.5\)/);
  // Without a way to sample, it says so.
  const none = await kind.score(settings, { text: "a", question: "q", topLogprobs: [], item: {}, values: {}, thresholds: {}, judge: async () => ({ text: "Yes", latencyMs: 1 }), judgeSample: null });
  assert.match(none.nullReason!, /cannot be sampled here/);
});

test("choice logprob: answer tokens match whatever brackets, spaces or case the tokenizer gives them", () => {
  const lp = (token: string, p: number) => ({ token, logprob: Math.log(p) });
  for (const [m, n] of [[" (A)", " (B)"], ["A", "B"], ["(a", "(b"], [" Yes", " No"]] as const) {
    const v = choiceLogprob([lp("(A)", 0.6), lp(" b)", 0.2), lp(" yes", 0.1), lp("NO", 0.1)], m, n);
    if (m === " Yes") assert.ok(Math.abs(v.value! - 0.5) < 1e-12, `${m}: ${v.value}`);
    else assert.ok(Math.abs(v.value! - 0.75) < 1e-12, `${m}: ${v.value}`);
  }
  // The messages name the answers without their padding.
  const neither = choiceLogprob([lp("C", 0.9)], " (A)", " (B)");
  assert.match(neither.nullReason!, /neither "\(A\)" nor "\(B\)"/);
});
