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
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ASCII (most text, and every rollout of an English-speaking policy) without building strings: A-Z and a-z are
    // its only cased letters.
    if (c < 128) {
      if (c >= 65 && c <= 90) {
        upper++;
        cased++;
      } else if (c >= 97 && c <= 122) cased++;
      continue;
    }
    // Elsewhere a code point is a cased letter when its lower and upper case differ.
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    const ch = String.fromCodePoint(cp);
    const up = ch.toUpperCase();
    if (ch.toLowerCase() === up) continue; // not a cased letter
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
