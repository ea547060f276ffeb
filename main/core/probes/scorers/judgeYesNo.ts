// judge yes/no: P(yes) / (P(yes) + P(no)) over the judge's first token; null when that mass is below minMass.
import { z } from "zod";
import { fillTemplate, judgeManifest, judgeTemplateField } from "./judgeTemplate.js";
import { sampledScore, withoutLogprobs } from "./sampledJudge.js";
import { defineScorer, scorerName, type ScoreValue, type TopLogprob } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("judge_yes_no"),
  name: scorerName,
  template: z.string().includes("{answer}", judgeTemplateField),
  yes: z.array(z.string()).min(1).default(["yes", "Yes", "YES"]),
  no: z.array(z.string()).min(1).default(["no", "No", "NO"]),
  minMass: z.number().min(0).max(1).default(0.25),
  /** On a server that returns no logprobs: how many answers to sample, and the share that must be yes or no. */
  samples: z.number().int().min(2).max(64).default(8),
  minParsableShare: z.number().min(0).max(1).default(0.5),
});

export function judgeYesNo(top: TopLogprob[], yes: string[], no: string[], minMass = 0.25): ScoreValue {
  const norm = (s: string) => s.trim();
  const yesSet = new Set(yes.map(norm));
  const noSet = new Set(no.map(norm));
  let py = 0;
  let pn = 0;
  for (const t of top) {
    const tok = norm(t.token);
    if (yesSet.has(tok)) py += Math.exp(t.logprob);
    else if (noSet.has(tok)) pn += Math.exp(t.logprob);
  }
  if (py + pn < minMass) return { value: null, nullReason: `yes and no hold only ${(py + pn).toFixed(3)} of the judge's probability (below ${minMass})`, raw: top };
  return { value: py / (py + pn), raw: top };
}

export const judgeYesNoScorer = defineScorer({
  kind: "judge_yes_no",
  schema,
  needs: "judge",
  description: "a judge model's probability of answering yes rather than no",
  async score(s, input) {
    const prompt = fillTemplate(s.template, input.question, input.text);
    const out = await input.judge!({ prompt, maxTokens: 1, topLogprobs: 20 });
    if (withoutLogprobs(out)) {
      // A sampled answer counts as yes (1) or no (0) when its first word is one of the tokens.
      const yes = new Set(s.yes.map((t) => t.trim()));
      const no = new Set(s.no.map((t) => t.trim()));
      const parse = (text: string) => {
        const first = text.trim().split(/[\s.,!]/)[0] ?? "";
        return yes.has(first) ? 1 : no.has(first) ? 0 : null;
      };
      return sampledScore(input, prompt, s.samples, s.minParsableShare, parse, "yes or no");
    }
    return judgeYesNo(out?.topLogprobs ?? [], s.yes, s.no, s.minMass);
  },
  manifest: judgeManifest,
});
