// Every scorer kind, one line each. The suite schema's scorer union, the prober and the export manifest are built
// from this list, so adding a kind is its module plus one line here.
import { z } from "zod";
import { activationProjectionScorer } from "./activationProjection.js";
import { capsRatioScorer } from "./capsRatio.js";
import { choiceLogprobScorer } from "./choiceLogprob.js";
import { derivedScorer } from "./derived.js";
import { judge0to100Scorer } from "./judge0to100.js";
import { judgeYesNoScorer } from "./judgeYesNo.js";
import { languageScorer } from "./language.js";
import { lengthScorer } from "./length.js";
import { patternScorer } from "./pattern.js";
import type { ScorerKind } from "./types.js";

export const SCORERS = [
  judge0to100Scorer,
  judgeYesNoScorer,
  choiceLogprobScorer,
  languageScorer,
  capsRatioScorer,
  patternScorer,
  derivedScorer,
  lengthScorer,
  activationProjectionScorer,
] as const;

type SchemaOf<K> = K extends { readonly schema: infer Z } ? Z : never;
// Generic, so the mapping keeps the tuple (a mapped type over a concrete tuple would map its methods too).
type SchemasOf<T extends readonly unknown[]> = { -readonly [I in keyof T]: SchemaOf<T[I]> };
type Schemas = SchemasOf<typeof SCORERS>;

/** A scorer as written in a suite: the union of every registered kind's settings, told apart by `kind`. */
export const scorerSchema = z.discriminatedUnion("kind", SCORERS.map((s) => s.schema) as unknown as Schemas);

export type Scorer = z.output<typeof scorerSchema>;

const BY_KIND = new Map<string, ScorerKind>(SCORERS.map((s) => [s.kind, s as unknown as ScorerKind]));

/** The registered kind of a scorer's settings (the schema guarantees there is one). */
export function scorerKind(kind: string): ScorerKind {
  const k = BY_KIND.get(kind);
  if (!k) throw new Error(`no scorer kind "${kind}" is registered`);
  return k;
}
