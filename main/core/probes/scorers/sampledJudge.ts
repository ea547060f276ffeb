// A judge on a server that returns no logprobs (transformers serve ignores them and answers 200): the judge answers
// several times at temperature 1 and its score is the mean of the answers that parse (integers 0-100, or yes/no),
// null when too few do. Marked `estimator: sampled` with the answers kept, so it is never mistaken for the
// logprob-weighted score it stands in for.
import { parseIntToken } from "./judge0to100.js";
import type { Completion } from "../../backends/types.js";
import type { ScoreValue, ScoreInput } from "./types.js";

/** Whether the judge's answer carried no logprobs to score (none asked for would be a bug, not this). */
export function withoutLogprobs(out: Completion | undefined): boolean {
  return out !== undefined && (out.topLogprobs === undefined || out.topLogprobs.length === 0);
}

/** An answer's rating: an integer 0-100 as the whole answer (a trailing full stop allowed), else null. */
export function sampledRating(text: string): number | null {
  const k = parseIntToken(text.trim().replace(/\.$/, ""));
  return k !== null && k >= 0 && k <= 100 ? k : null;
}

export async function sampledScore(
  input: ScoreInput,
  prompt: string,
  samples: number,
  minShare: number,
  parse: (text: string) => number | null,
  what: string,
): Promise<ScoreValue> {
  if (!input.judgeSample) return { value: null, nullReason: "the judge returned no logprobs and cannot be sampled here" };
  const answers = (await input.judgeSample({ prompt, maxTokens: 4, n: samples })).map((c) => c.text);
  const parsed = answers.map(parse).filter((v): v is number => v !== null);
  const share = answers.length === 0 ? 0 : parsed.length / answers.length;
  if (parsed.length === 0 || share < minShare) {
    return { value: null, nullReason: `the judge's server returns no logprobs, and only ${parsed.length} of its ${answers.length} sampled answers were ${what} (below ${minShare})`, estimator: "sampled", answers };
  }
  return { value: parsed.reduce((a, b) => a + b, 0) / parsed.length, estimator: "sampled", answers };
}
