// The judge as scorers call it: one greedy answer with first-token logprobs, or n sampled answers (for a server
// that returns no logprobs; the backend fans n out where n is ignored). Used by the prober and the rollout scorer.
import type { Backend, Prepared } from "../../backends/types.js";
import type { JudgeCall, JudgeSampleCall } from "./types.js";

export function judgeCalls(backend: Backend | null, prepared: Prepared | null, signal?: AbortSignal): { judge: JudgeCall | null; judgeSample: JudgeSampleCall | null } {
  if (!backend || !prepared) return { judge: null, judgeSample: null };
  return {
    judge: async ({ prompt, maxTokens, topLogprobs }) => (await backend.generate(prepared, { messages: [{ role: "user", content: prompt }], n: 1, temperature: 0, topP: 1, maxTokens, seed: 0, topLogprobs }, signal))[0],
    judgeSample: async ({ prompt, maxTokens, n }) => backend.generate(prepared, { messages: [{ role: "user", content: prompt }], n, temperature: 1, topP: 1, maxTokens }, signal),
  };
}
