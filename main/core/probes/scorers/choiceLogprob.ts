// choice logprob: the probed model's own next-token probability of the matching answer (" Yes"/" No", " (A)"/" (B)"),
// normalised over matching + not matching.
import { z } from "zod";
import { defineScorer, scorerName, type ScoreValue, type TopLogprob } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("choice_logprob"),
  name: scorerName,
  minMass: z.number().min(0).max(1).default(0),
});

/** The answer token without the surrounding space and brackets a tokenizer may split off: " (A)" ~ "A" ~ "(A". */
function answerKey(s: string): string {
  return s.trim().replace(/^\(/, "").replace(/\)$/, "").trim().toLowerCase();
}

export function choiceLogprob(top: TopLogprob[], matching: string, notMatching: string, minMass = 0): ScoreValue {
  const m = answerKey(matching);
  const n = answerKey(notMatching);
  let pm = 0;
  let pn = 0;
  for (const t of top) {
    const k = answerKey(t.token);
    if (k === m) pm += Math.exp(t.logprob);
    else if (k === n) pn += Math.exp(t.logprob);
  }
  if (pm + pn === 0 || pm + pn < minMass) return { value: null, nullReason: `neither "${matching.trim()}" nor "${notMatching.trim()}" is among the model's likely next tokens`, raw: top };
  return { value: pm / (pm + pn), raw: top };
}

export const choiceLogprobScorer = defineScorer({
  kind: "choice_logprob",
  schema,
  needs: "logprobs",
  description: "the probed model's own probability of the matching answer of a choice item",
  check(_s, trait, index) {
    const problems = [];
    if (trait.samplingMode !== "next_token_logprobs") problems.push({ path: ["scorers", index], message: "choice_logprob needs sampling.mode next_token_logprobs" });
    trait.items.forEach((it, ii) => {
      if (it.matching === undefined || it.notMatching === undefined) problems.push({ path: ["items", ii], message: "a choice item needs matching and notMatching" });
    });
    return problems;
  },
  score: (s, input) => choiceLogprob(input.topLogprobs, input.item.matching!, input.item.notMatching!, s.minMass),
});
