// caps ratio: the share of cased letters that are upper case.
import { z } from "zod";
import { defineScorer, scorerName, type ScoreValue } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("caps_ratio"),
  name: scorerName,
});

export function capsRatio(text: string): ScoreValue {
  let upper = 0;
  let cased = 0;
  for (const ch of text) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lo === up) continue; // not a cased letter
    cased++;
    if (ch === up) upper++;
  }
  if (cased === 0) return { value: null, nullReason: "no cased letters" };
  return { value: upper / cased };
}

export const capsRatioScorer = defineScorer({
  kind: "caps_ratio",
  schema,
  needs: "text",
  description: "the share of cased letters that are upper case",
  score: (_s, input) => capsRatio(input.text),
});
