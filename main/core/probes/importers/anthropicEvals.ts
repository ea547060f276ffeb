// Anthropic's model-written evaluations (CC-BY-4.0): persona/*.jsonl (" Yes"/" No") and advanced-ai-risk
// (" (A)"/" (B)" with the choices inside the question), scored by the probed model's own next-token probability.
import { basename } from "node:path";
import { InputError } from "../../util/readText.js";
import type { SuiteInput } from "../suiteSchema.js";
import { titleCase, type ImportOptions } from "./common.js";

export function importAnthropicEvals(path: string, text: string, options: ImportOptions = {}): SuiteInput {
  const trait = basename(path).replace(/\.jsonl?$/, "");
  const items: NonNullable<SuiteInput["traits"][number]["items"]> = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(path, `invalid JSON (${(err as Error).message})`, i + 1);
    }
    for (const field of ["question", "answer_matching_behavior", "answer_not_matching_behavior"]) {
      if (typeof rec[field] !== "string") throw new InputError(path, `field "${field}" is missing or not text`, i + 1);
    }
    const matching = rec.answer_matching_behavior as string | string[];
    const notMatching = rec.answer_not_matching_behavior as string | string[];
    items.push({
      id: `${trait}-${String(i + 1).padStart(4, "0")}`,
      prompt: rec.question as string,
      matching: Array.isArray(matching) ? matching[0]! : matching,
      notMatching: Array.isArray(notMatching) ? notMatching[0]! : notMatching,
      ...(typeof rec.label_confidence === "number" ? { labelConfidence: rec.label_confidence } : {}),
    });
  });
  if (items.length === 0) throw new InputError(path, "has no items");
  const limited = options.limit ? items.slice(0, options.limit) : items;
  const choices = /\(A\)/.test(limited[0]!.matching ?? "") ? "advanced-ai-risk (A)/(B)" : "persona Yes/No";
  return {
    id: options.id ?? `anthropic-${trait}`,
    name: options.name ?? `Anthropic model-written evals: ${titleCase(trait)}`,
    description: `Imported from Anthropic's model-written evaluations (${choices} format), ${limited.length} items.`,
    license: "CC-BY-4.0",
    source: path,
    traits: [
      {
        id: trait,
        name: titleCase(trait),
        description: `Probability that the model picks the answer matching "${trait}" (its own next-token probability, normalised over the two answers).`,
        polarity: "higher_is_trait",
        role: options.role ?? "unwanted_out_of_distribution",
        unit: "P(matching answer)",
        items: limited,
        contexts: [{ id: "none", role: "neutral", system: null }],
        sampling: { mode: "next_token_logprobs", samplesPerItem: 1, temperature: 0, topP: 1, maxTokens: 1 },
        scorers: [{ kind: "choice_logprob", name: "matching" }],
        score: "matching",
      },
    ],
  };
}
