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

/**
 * How far the unknown mass of an answer missing from the top logprobs may move the score before it is withheld: the
 * missing answer is less likely than every token returned, so its mass lies between 0 and the least likely one's.
 */
export const CHOICE_BOUND_TOLERANCE = 0.01;

export function choiceLogprob(top: TopLogprob[], matching: string, notMatching: string, minMass = 0): ScoreValue {
  const m = answerKey(matching);
  const n = answerKey(notMatching);
  let pm = 0;
  let pn = 0;
  let least = Infinity;
  for (const t of top) {
    const p = Math.exp(t.logprob);
    least = Math.min(least, p);
    const k = answerKey(t.token);
    if (k === m) pm += p;
    else if (k === n) pn += p;
  }
  if (top.length === 0) return { value: null, nullReason: "the server returned no logprobs (transformers serve, for one, ignores them): a choice score needs the model's own next-token probabilities", raw: top };
  if (pm + pn === 0 || pm + pn < minMass) return { value: null, nullReason: `neither "${matching.trim()}" nor "${notMatching.trim()}" is among the model's likely next tokens`, raw: top };
  if (pm > 0 && pn > 0) return { value: pm / (pm + pn), raw: top };
  // One answer is missing: a server that returns fewer top logprobs than needed (one, say) would otherwise turn a
  // probability into a 0 or 1. Its mass is at most the least likely token returned, so the score lies in a range;
  // it is given (the range's middle) only when that range is narrow.
  const [present, missing] = pm > 0 ? [matching.trim(), notMatching.trim()] : [notMatching.trim(), matching.trim()];
  const lo = pm > 0 ? pm / (pm + least) : 0;
  const hi = pm > 0 ? 1 : least / (least + pn);
  if (hi - lo > CHOICE_BOUND_TOLERANCE) {
    return {
      value: null,
      nullReason: `only "${present}" is among the ${top.length} top logprob${top.length === 1 ? "" : "s"} returned; "${missing}" is less likely than ${least.toPrecision(3)}, so the score lies anywhere in [${lo.toFixed(3)}, ${hi.toFixed(3)}] (ask for more top logprobs)`,
      raw: top,
    };
  }
  return { value: (lo + hi) / 2, raw: top };
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
