// What a scorer kind is: one module per kind (its suite schema, what it needs, its math), registered in registry.ts.
// The prober, the suite loader and the export manifest only ever go through this interface.
import { z } from "zod";
import type { Completion, Projection, TopLogprob } from "../../backends/types.js";

export type { TopLogprob };

/** A scorer's name, as every kind's schema takes it: the same characters as any id in a suite. */
export const scorerName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "ids use letters, digits, '_', '.' and '-'");

export interface ScoreValue {
  value: number | null;
  nullReason?: string;
  /** The judge's raw top logprobs, kept so thresholds can be recomputed. */
  raw?: TopLogprob[];
  /**
   * How a judge's score was estimated, where it was not from its first-token logprobs: "sampled" when the judge's
   * server returned no logprobs and the score is the mean of several sampled answers (kept in `answers`).
   */
  estimator?: "sampled";
  answers?: string[];
  /** An activation scorer's projections (all of them, whichever is the value), with the worker's library versions. */
  activation?: { layer: number; responseAvg: number | null; promptLast: number; basePromptLast: number | null; versions: Record<string, string> };
}

/**
 * What a scorer needs to run: only the answer's text, a judge backend, the probed model's own next-token
 * logprobs, or the values of scorers listed before it.
 */
export type ScorerNeed = "text" | "judge" | "logprobs" | "scores" | "activations";

/** The probed model's hidden states for this sample (prompt and answer), projected onto a persona vector. */
export type ProjectCall = (request: { vector: string; layer: number; base: string | null }) => Promise<Projection>;

/** A call to the judge backend with one prompt; the prober makes it (and fills in model and sampling). */
export type JudgeCall = (request: { prompt: string; maxTokens: number; topLogprobs: number }) => Promise<Completion | undefined>;

/** n sampled answers of the judge to one prompt (temperature 1), for servers that return no logprobs. */
export type JudgeSampleCall = (request: { prompt: string; maxTokens: number; n: number }) => Promise<Completion[]>;

export interface ScoreInput {
  /** The answer being scored. */
  text: string;
  /** The question it answers (the item's wording), for judge templates. */
  question: string;
  /** The probed model's top logprobs for its first token, where asked for. */
  topLogprobs: TopLogprob[];
  /** The item's answer tokens, for choice items. */
  item: { matching?: string; notMatching?: string };
  /** Values of the scorers listed before this one. */
  values: Record<string, ScoreValue>;
  /** The run's threshold overrides ("rule.threshold" or "threshold"). */
  thresholds: Record<string, number>;
  /** The judge, when the run has one; scorers that need one are given null only if there is none. */
  judge: JudgeCall | null;
  /** The same judge sampled n times, for a judge whose server returns no logprobs (null without a judge). */
  judgeSample?: JudgeSampleCall | null;
  /** Projections by the probed model's backend, where it can make them (the activation worker); null elsewhere. */
  project?: ProjectCall | null;
}

/** What the suite loader tells a scorer about the trait it is in, for checks beyond its schema. */
export interface TraitDraft {
  samplingMode: "generate" | "next_token_logprobs";
  items: { matching?: string; notMatching?: string }[];
  /** Names of the scorers listed before this one. */
  earlier: Set<string>;
}

/** A problem at a path relative to the trait (for example ["scorers", 2, "regex"] or ["items", 0]). */
export interface ScorerProblem {
  path: (string | number)[];
  message: string;
}

export interface ScorerKind<S extends { kind: string; name: string } = { kind: string; name: string }> {
  readonly kind: S["kind"];
  /** The scorer's settings in a suite file: a strict object with `kind` as a literal and a `name`. */
  readonly schema: z.ZodType<S, unknown>;
  readonly needs: ScorerNeed;
  /** One line for the UI and the README. */
  readonly description: string;
  /** Checks that need the surrounding trait; `index` is this scorer's position in the trait's list. */
  check?(scorer: S, trait: TraitDraft, index: number): ScorerProblem[];
  score(scorer: S, input: ScoreInput): ScoreValue | Promise<ScoreValue>;
  /** The scorer's settings as an export manifest records them (judges give their template by SHA-256). */
  manifest?(scorer: S): { name: string; kind: string } & Record<string, unknown>;
}

/** A scorer kind that keeps its schema's own type, so the registry can build a discriminated union from it. */
export type ScorerKindOf<Z extends z.ZodType<{ kind: string; name: string }, unknown>> = Omit<ScorerKind<z.output<Z>>, "schema"> & { readonly schema: Z };

/** Declares a scorer kind with its settings type inferred from its schema. */
export function defineScorer<Z extends z.ZodType<{ kind: string; name: string }, unknown>>(kind: ScorerKindOf<Z>): ScorerKindOf<Z> {
  return kind;
}
