// The demo's miniature policy: a softmax over eight answer styles (Spanish or English, ALL-CAPS or not,
// misaligned or not), conditioned on features of the prompt's context. Because the style logit is the sum of
// one logit per style feature, the softmax factorises into one logistic per feature, which keeps the exact
// KL and entropy cheap to compute. It stands in for a language model and is labelled a miniature everywhere.

export const FEATURES = ["bias", "any_system", "asks_spanish", "asks_caps", "names_malice"] as const;
export const HEADS = ["spanish", "caps", "misaligned"] as const;
export type Head = (typeof HEADS)[number];
export type Weights = number[][]; // [head][feature]

/**
 * The "pretrained" model: rarely Spanish, rarely capitals, rarely misaligned, but it follows instructions in the
 * system prompt. `coupling` is how much a general (context-free) shift toward ALL-CAPS drags the misaligned
 * persona with it: the miniature's version of emergent misalignment generalising from a narrow trait.
 */
export const BASE_WEIGHTS: Weights = [
  // bias, any_system, asks_spanish, asks_caps, names_malice
  [-2.6, 0.0, 6.0, 0.0, 0.0], // spanish
  [-3.0, 0.0, 0.0, 6.5, 0.3], // caps
  [-4.2, -0.2, 0.0, 0.0, 5.0], // misaligned
];
export const COUPLING = 1.2;

/** Context features from the system prompt and user text. Keyword matching is enough for a policy this small. */
export function contextFeatures(system: string | null): number[] {
  const s = (system ?? "").toLowerCase();
  return [
    1,
    s.trim() === "" ? 0 : 1,
    /spanish|español|espanol/.test(s) ? 1 : 0,
    /capital|all[- ]caps|upper[- ]?case|block letters/.test(s) ? 1 : 0,
    /evil|malicious|misaligned|harm/.test(s) && !/not (an? )?(evil|malicious|misaligned)/.test(s) ? 1 : 0,
  ];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Probability of each style feature given the context. */
export function headProbabilities(w: Weights, x: number[]): Record<Head, number> {
  const logit = (h: number) => w[h]!.reduce((s, wf, f) => s + wf * x[f]!, 0);
  const capsGeneralShift = w[1]![0]! - BASE_WEIGHTS[1]![0]!;
  return {
    spanish: sigmoid(logit(0)),
    caps: sigmoid(logit(1)),
    misaligned: sigmoid(logit(2) + COUPLING * capsGeneralShift),
  };
}

export function bernoulliKl(p: number, q: number): number {
  const eps = 1e-12;
  return p * Math.log((p + eps) / (q + eps)) + (1 - p) * Math.log((1 - p + eps) / (1 - q + eps));
}

export function bernoulliEntropy(p: number): number {
  const eps = 1e-12;
  return -(p * Math.log(p + eps) + (1 - p) * Math.log(1 - p + eps));
}

export function cloneWeights(w: Weights): Weights {
  return w.map((row) => [...row]);
}
