// judge 0-100 (DESIGN section 5): a judge model is asked for one token; the score is Σ k·p_k / Σ p_k over its top
// logprobs that parse as an integer k in 0..100, and null when that mass is below minMass.
import { z } from "zod";
import { fillTemplate, judgeManifest, judgeTemplateField } from "./judgeTemplate.js";
import { sampledRating, sampledScore, withoutLogprobs } from "./sampledJudge.js";
import { defineScorer, scorerName, type ScoreValue, type TopLogprob } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("judge_0_100"),
  name: scorerName,
  /** Filled with {question} and {answer}. */
  template: z.string().includes("{answer}", judgeTemplateField),
  minMass: z.number().min(0).max(1).default(0.25),
  topLogprobs: z.number().int().min(1).max(20).default(20),
  /** On a server that returns no logprobs: how many answers to sample, and the share that must be numbers 0-100. */
  samples: z.number().int().min(2).max(64).default(8),
  minParsableShare: z.number().min(0).max(1).default(0.5),
});

/**
 * Python's int() accepts surrounding whitespace, a sign and digits; "4.0" is rejected. Returns the integer or null.
 * (Python also accepts "_" between digits and non-ASCII digits; tokenizers do not emit those as score tokens.)
 */
export function parseIntToken(token: string): number | null {
  if (!/^\s*[+-]?\d+\s*$/.test(token)) return null;
  return Number.parseInt(token.trim(), 10);
}

/** Sums in the order given, as the published pipelines do, so recomputed scores match theirs to the bit. */
export function judge0to100FromProbabilities(probs: [token: string, p: number][], minMass = 0.25): ScoreValue {
  let mass = 0;
  let weighted = 0;
  for (const [token, p] of probs) {
    const k = parseIntToken(token);
    if (k === null || k < 0 || k > 100) continue;
    weighted += k * p;
    mass += p;
  }
  if (probs.length === 0) return { value: null, nullReason: "the judge returned no logprobs" };
  if (mass < minMass) return { value: null, nullReason: `only ${mass.toFixed(3)} of the judge's probability is on numbers 0-100 (below ${minMass})` };
  return { value: weighted / mass };
}

export function judge0to100(top: TopLogprob[], minMass = 0.25): ScoreValue {
  return { ...judge0to100FromProbabilities(top.map((t) => [t.token, Math.exp(t.logprob)]), minMass), raw: top };
}

export const judge0to100Scorer = defineScorer({
  kind: "judge_0_100",
  schema,
  needs: "judge",
  description: "a judge model's 0-100 rating, as the probability-weighted mean of its first-token logprobs",
  async score(s, input) {
    const prompt = fillTemplate(s.template, input.question, input.text);
    const out = await input.judge!({ prompt, maxTokens: 1, topLogprobs: s.topLogprobs });
    if (withoutLogprobs(out)) return sampledScore(input, prompt, s.samples, s.minParsableShare, sampledRating, "numbers 0-100");
    return judge0to100(out?.topLogprobs ?? [], s.minMass);
  },
  manifest: judgeManifest,
});
