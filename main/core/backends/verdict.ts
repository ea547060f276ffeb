// What a backend check means, in words that name the fix: one function for `driftscope doctor` and the app's
// "Test connection", so both say the same. Pure: the capabilities and what the suite's scorers need go in.
import type { Capabilities } from "./types.js";

/** What a suite's scorers ask of the probed model's and the judge's servers. */
export interface ScorerDemands {
  /** The most top logprobs a judge or choice scorer asks for (0 when none does). */
  topLogprobs: number;
  judges: boolean;
  choice: boolean;
}

export type CheckOutcome = { reachable: true; caps: Capabilities } | { reachable: false; error: string };

export interface Verdict {
  ok: boolean;
  verdict: string;
  warnings: string[];
}

/** Kinds that serve a checkpoint only once one is named (a server or an adapter per checkpoint). */
export const PER_CHECKPOINT_KINDS = new Set(["serve-command", "vllm-lora"]);

export function backendVerdict(kind: string, outcome: CheckOutcome, opts: { checkpoint: boolean; demands?: ScorerDemands }): Verdict {
  if (!outcome.reachable) {
    if (kind === "serve-command" && !opts.checkpoint) {
      return { ok: false, verdict: "a serve-command backend starts its server per checkpoint: test it on one with --checkpoint PATH (or --run RUN --step N)", warnings: [] };
    }
    if (/did not become healthy|exited with code/.test(outcome.error)) return { ok: false, verdict: "the server command did not come up healthy: run the command by hand with a checkpoint to see why, or set its health path", warnings: [] };
    return { ok: false, verdict: "fix the address or start the server, then try again", warnings: [] };
  }
  const { caps } = outcome;
  if (caps.refused) {
    const template = /\{(checkpoint|run|step)\}/.test(caps.refused) && !opts.checkpoint;
    return {
      ok: false,
      verdict: template
        ? `the server refused the model name "${caps.refused.match(/\{(checkpoint|run|step)\}/)?.[0]}": it is a template filled per checkpoint, so test with --checkpoint PATH (or --run RUN --step N)`
        : "the server refused the test request: check the model name against the server's models and its own settings",
      warnings: [],
    };
  }
  const warnings: string[] = [];
  if (!caps.honoursN) warnings.push("the server ignores n: each sample is its own request (fanned out)");
  const d = opts.demands;
  if (caps.maxTopLogprobs === 0) {
    if (!d || d.judges) warnings.push("no logprobs: judges score by sampling (8 answers at temperature 1, marked estimator: sampled)");
    if (!d || d.choice) warnings.push("no logprobs: choice_logprob scores will be null (they need the model's own next-token probabilities)");
    return { ok: false, verdict: d && !d.choice ? "usable: generation works; judges will be sampled since the server returns no logprobs" : "reachable, but without logprobs: choice scores will be null and judges sampled; use a server that returns top_logprobs (vLLM, SGLang, llama.cpp) for them", warnings };
  }
  const wanted = d?.topLogprobs ?? 20;
  if (caps.maxTopLogprobs < wanted) {
    warnings.push(`top logprobs are capped at ${caps.maxTopLogprobs}, below the ${wanted} the scorers ask for: judge scores use only the tokens returned, and a choice score is withheld (null with its reason) when one answer is missing`);
  }
  return { ok: true, verdict: warnings.some((w) => w.startsWith("top logprobs are capped")) ? "usable, with capped top logprobs (see the warning)" : "ready: generation and logprob-based scoring will work", warnings };
}
