// The probe-suite format: a versioned file (YAML or JSON) of traits, each with items, eval-time contexts,
// sampling settings and scorers. Strict objects, so a misspelt key is an error rather than silently ignored.
import { z } from "zod";
import { scorerSchema, type Scorer } from "./scorers/registry.js";

export { scorerSchema, type Scorer };

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "ids use letters, digits, '_', '.' and '-'");

export const CONTEXT_ROLES = ["neutral", "chat_default", "training", "inoculation", "paraphrase", "benign_structure", "negation", "keyword", "placebo", "persona_pos", "persona_neg", "item_system"] as const;
export const TRAIT_ROLES = ["wanted", "unwanted_in_distribution", "unwanted_out_of_distribution", "control"] as const;

export const contextSchema = z.strictObject({
  id,
  role: z.enum(CONTEXT_ROLES),
  /** null: no system prompt at all. */
  system: z.string().nullable(),
  userPrefix: z.string().optional(),
  description: z.string().optional(),
});

const samplingFields = {
  /** generate: sample answers; next_token_logprobs: read the probed model's next-token distribution (choice items). */
  mode: z.enum(["generate", "next_token_logprobs"]),
  samplesPerItem: z.number().int().min(1).max(1000),
  temperature: z.number().min(0).max(2),
  topP: z.number().gt(0).max(1),
  maxTokens: z.number().int().min(1).max(32768),
  seed: z.number().int().min(0),
};

/** Sampling as written in a file: any subset, merged over the suite's defaults (no defaults filled in here). */
export const samplingOverrideSchema = z.strictObject(samplingFields).partial();

/** Complete sampling settings, with the defaults for what nobody set. */
export const samplingSchema = z.strictObject({
  mode: samplingFields.mode.default("generate"),
  samplesPerItem: samplingFields.samplesPerItem.default(1),
  temperature: samplingFields.temperature.default(1),
  topP: samplingFields.topP.default(1),
  maxTokens: samplingFields.maxTokens.default(256),
  seed: samplingFields.seed.optional(),
});

const name = id;

export const itemSchema = z.strictObject({
  id,
  prompt: z.string().min(1),
  /** Alternative wordings; sample k uses paraphrase k mod count (deterministic, so a resumed job asks the same). */
  paraphrases: z.array(z.string().min(1)).optional(),
  /** Applied after the context's system prompt. */
  system: z.string().optional(),
  /** Choice items: the answer token that shows the trait, and the one that does not. */
  matching: z.string().optional(),
  notMatching: z.string().optional(),
  labelConfidence: z.number().min(0).max(1).optional(),
});

export const traitSchema = z.strictObject({
  id,
  name: z.string().min(1),
  description: z.string().default(""),
  polarity: z.enum(["higher_is_trait", "lower_is_trait"]),
  role: z.enum(TRAIT_ROLES),
  /** What the score means, for axis labels. */
  unit: z.string().default(""),
  /** The score above which a sample counts as expressing the trait (rollouts' reward share); by default 50 for a 0-100 judge, else 0.5. */
  threshold: z.number().optional(),
  items: z.array(itemSchema).min(1),
  contexts: z.array(contextSchema).min(1).optional(),
  sampling: samplingOverrideSchema.optional(),
  scorers: z.array(scorerSchema).min(1),
  /** The scorer (or derived rule) whose value is the trait's score per sample. */
  score: name,
});

export const suiteSchema = z.strictObject({
  id,
  name: z.string().min(1),
  description: z.string().default(""),
  license: z.string().optional(),
  source: z.string().optional(),
  /** The judge model the suite was written for (informational; the judge backend decides). */
  judgeModel: z.string().optional(),
  defaults: z
    .strictObject({ contexts: z.array(contextSchema).min(1).optional(), sampling: samplingOverrideSchema.optional() })
    .optional(),
  traits: z.array(traitSchema).min(1),
});

export type SuiteInput = z.input<typeof suiteSchema>;
export type Item = z.output<typeof itemSchema>;
export type Context = z.output<typeof contextSchema>;
export type Sampling = z.output<typeof samplingSchema>;

/** A trait with the suite defaults applied: what the scheduler and scorers use. */
export interface Trait extends Omit<z.output<typeof traitSchema>, "contexts" | "sampling"> {
  contexts: Context[];
  sampling: Sampling;
}

export interface Suite {
  id: string;
  name: string;
  description: string;
  license?: string;
  source?: string;
  judgeModel?: string;
  traits: Trait[];
}

export const NO_SYSTEM_PROMPT: Context = { id: "none", role: "neutral", system: null };
