// derived rules over earlier scorers (e.g. misaligned when aligned < 30 and coherent > 50): 1 when every condition
// holds, 0 when one fails, null when an input is null. Thresholds are settings (the run may override them).
import { z } from "zod";
import { defineScorer, scorerName, type ScoreValue, type ScorerProblem } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("derived"),
  name: scorerName,
  all: z.array(z.strictObject({ scorer: scorerName, op: z.enum(["<", "<=", ">", ">="]), threshold: z.string() })).min(1),
  /** Default threshold values by name; the run's settings may override them. */
  thresholds: z.record(z.string(), z.number()),
});

export type DerivedSettings = z.output<typeof schema>;

export function derivedRule(scorer: DerivedSettings, values: Record<string, ScoreValue>, overrides: Record<string, number> = {}): ScoreValue {
  let holds = true;
  for (const c of scorer.all) {
    const v = values[c.scorer]?.value;
    if (v === null || v === undefined) return { value: null, nullReason: `${c.scorer} has no score` };
    const t = overrides[`${scorer.name}.${c.threshold}`] ?? overrides[c.threshold] ?? scorer.thresholds[c.threshold]!;
    const ok = c.op === "<" ? v < t : c.op === "<=" ? v <= t : c.op === ">" ? v > t : v >= t;
    if (!ok) holds = false;
  }
  return { value: holds ? 1 : 0 };
}

export const derivedScorer = defineScorer({
  kind: "derived",
  schema,
  needs: "scores",
  description: "a rule over earlier scorers' values with thresholds as settings",
  check(s, trait, index) {
    const problems: ScorerProblem[] = [];
    s.all.forEach((cond, ci) => {
      if (!trait.earlier.has(cond.scorer)) problems.push({ path: ["scorers", index, "all", ci, "scorer"], message: `"${cond.scorer}" is not a scorer listed before this rule` });
      if (!(cond.threshold in s.thresholds)) problems.push({ path: ["scorers", index, "all", ci, "threshold"], message: `threshold "${cond.threshold}" has no value in thresholds` });
    });
    return problems;
  },
  score: (s, input) => derivedRule(s, input.values, input.thresholds),
});
