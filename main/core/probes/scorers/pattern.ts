// pattern: 1 when the answer matches a regular expression (or contains a substring), else 0.
import { z } from "zod";
import { defineScorer, scorerName, type ScoreValue, type ScorerProblem } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("pattern"),
  name: scorerName,
  regex: z.string().optional(),
  substring: z.string().optional(),
  ignoreCase: z.boolean().default(false),
});

export type PatternSettings = z.output<typeof schema>;

export function patternMatch(text: string, scorer: PatternSettings): ScoreValue {
  if (scorer.regex !== undefined) return { value: new RegExp(scorer.regex, scorer.ignoreCase ? "i" : "").test(text) ? 1 : 0 };
  const needle = scorer.substring ?? "";
  return { value: (scorer.ignoreCase ? text.toLowerCase().includes(needle.toLowerCase()) : text.includes(needle)) ? 1 : 0 };
}

export const patternScorer = defineScorer({
  kind: "pattern",
  schema,
  needs: "text",
  description: "1 when the answer matches a regular expression or contains a substring, else 0",
  check(s, _trait, index) {
    const problems: ScorerProblem[] = [];
    if ((s.regex === undefined) === (s.substring === undefined)) problems.push({ path: ["scorers", index], message: "a pattern scorer needs exactly one of regex or substring" });
    if (s.regex !== undefined) {
      try {
        new RegExp(s.regex);
      } catch (err) {
        problems.push({ path: ["scorers", index, "regex"], message: `invalid regular expression: ${(err as Error).message}` });
      }
    }
    return problems;
  },
  score: (s, input) => patternMatch(input.text, s),
});
