// What a set of suites asks of a server: whether any scorer needs a judge or the model's own choice logprobs, and
// the most top logprobs any of them asks for. For doctor's warnings (backends/verdict.ts).
import type { ScorerDemands } from "../backends/verdict.js";
import type { Suite } from "./suiteSchema.js";

/** The prober asks for 20 top logprobs for choice items; yes/no judges ask for 20. */
const CHOICE_TOP_LOGPROBS = 20;

export function scorerDemands(suites: Suite[]): ScorerDemands {
  let topLogprobs = 0;
  let judges = false;
  let choice = false;
  for (const suite of suites) {
    for (const trait of suite.traits) {
      for (const s of trait.scorers) {
        if (s.kind === "judge_0_100") {
          judges = true;
          topLogprobs = Math.max(topLogprobs, s.topLogprobs);
        } else if (s.kind === "judge_yes_no") {
          judges = true;
          topLogprobs = Math.max(topLogprobs, CHOICE_TOP_LOGPROBS);
        } else if (s.kind === "choice_logprob") {
          choice = true;
          topLogprobs = Math.max(topLogprobs, CHOICE_TOP_LOGPROBS);
        }
      }
    }
  }
  return { topLogprobs, judges, choice };
}
