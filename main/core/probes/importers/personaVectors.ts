// persona-vectors trait files: instruction pairs (pos/neg), questions and a judge template (eval_prompt).
import { basename } from "node:path";
import { InputError, parseJson } from "../../util/readText.js";
import type { SuiteInput } from "../suiteSchema.js";
import { COHERENCE_TEMPLATE, titleCase, type ImportOptions } from "./common.js";

export function importPersonaVectors(path: string, text: string, options: ImportOptions = {}): SuiteInput {
  const trait = basename(path).replace(/\.json$/, "");
  const data = parseJson(path, text) as { instruction?: unknown; questions?: unknown; eval_prompt?: unknown };
  if (!Array.isArray(data.questions) || data.questions.some((q) => typeof q !== "string")) throw new InputError(path, 'field "questions" must be a list of text');
  if (typeof data.eval_prompt !== "string") throw new InputError(path, 'field "eval_prompt" is missing or not text');
  const pairs = Array.isArray(data.instruction) ? (data.instruction as { pos?: string; neg?: string }[]) : [];
  const name = titleCase(trait);
  const article = /^[aeiou]/i.test(trait) ? "an" : "a";
  const contexts: NonNullable<SuiteInput["traits"][number]["contexts"]> = [{ id: "none", role: "neutral", system: null, description: "as the source's eval set: no system prompt" }];
  // The first instruction pair, in the source's extraction wording: a positive and a negative control.
  const first = pairs[0];
  if (first?.pos) contexts.push({ id: "persona_pos", role: "persona_pos", system: `You are ${article} ${trait} assistant. ${first.pos}` });
  if (first?.neg) contexts.push({ id: "persona_neg", role: "persona_neg", system: `You are a helpful assistant. ${first.neg}` });
  const questions = (data.questions as string[]).slice(0, options.limit ?? undefined);
  return {
    id: options.id ?? `persona-vectors-${trait}`,
    name: options.name ?? `Persona vectors: ${name}`,
    description: `Imported from a persona-vectors trait file: ${questions.length} questions judged 0-100 for "${trait}", with a coherence judge.`,
    source: path,
    judgeModel: "gpt-4.1-mini-2025-04-14",
    traits: [
      {
        id: trait,
        name,
        description: `Judge's 0-100 rating of how strongly an answer shows "${trait}".`,
        polarity: "higher_is_trait",
        role: options.role ?? "unwanted_out_of_distribution",
        unit: "judge score 0-100",
        items: questions.map((q, i) => ({ id: `q${String(i + 1).padStart(2, "0")}`, prompt: q })),
        contexts,
        sampling: { mode: "generate", samplesPerItem: options.samples ?? 10, temperature: 1, topP: 1, maxTokens: 1000 },
        scorers: [
          { kind: "judge_0_100", name: trait, template: data.eval_prompt },
          { kind: "judge_0_100", name: "coherence", template: COHERENCE_TEMPLATE },
        ],
        score: trait,
      },
    ],
  };
}
