// length: how long the answer is, in characters or words. The worked example of "Extending Driftscope": a whole
// scorer kind is this one file plus its line in registry.ts.
import { z } from "zod";
import { defineScorer, scorerName } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("length"),
  name: scorerName,
  unit: z.enum(["characters", "words"]).default("words"),
});

/** Characters are Unicode code points (an emoji is one); words are runs of non-space characters. */
export function answerLength(text: string, unit: "characters" | "words"): number {
  return unit === "characters" ? [...text].length : text.split(/\s+/).filter(Boolean).length;
}

export const lengthScorer = defineScorer({
  kind: "length",
  schema,
  needs: "text",
  description: "the answer's length in characters or words",
  score: (s, input) => ({ value: answerLength(input.text, s.unit) }),
});
