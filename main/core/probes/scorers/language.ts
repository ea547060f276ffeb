// language: the share of the answer written in a language, by eld's n-gram language identification over
// sentence-sized pieces, weighted by their length. Pieces too short, or identified unreliably, do not count.
import { z } from "zod";
import { defineScorer, scorerName, type ScoreValue } from "./types.js";

const schema = z.strictObject({
  kind: z.literal("language"),
  name: scorerName,
  /** ISO 639-1 code, e.g. es, en. */
  language: z.string().regex(/^[a-z]{2}$/, "an ISO 639-1 code such as es"),
});

export interface LanguageDetector {
  detect(text: string): { language: string; isReliable(): boolean };
}

let detector: Promise<LanguageDetector> | null = null;

/** eld's n-gram tables take a noticeable moment to load, so they load on first use, not at start-up. */
export function loadLanguageDetector(): Promise<LanguageDetector> {
  detector ??= import("eld/small").then((m) => m.eld as LanguageDetector);
  return detector;
}

export function languageShare(text: string, language: string, eld: LanguageDetector): ScoreValue {
  const pieces = text.split(/(?<=[.!?\n])\s+/).map((p) => p.trim()).filter((p) => p.replace(/[^\p{L}]/gu, "").length >= 8);
  let total = 0;
  let target = 0;
  for (const p of pieces) {
    const r = eld.detect(p);
    if (!r.language || !r.isReliable()) continue;
    total += p.length;
    if (r.language === language) target += p.length;
  }
  if (total === 0) return { value: null, nullReason: "too little text to identify its language" };
  return { value: target / total };
}

export const languageScorer = defineScorer({
  kind: "language",
  schema,
  needs: "text",
  description: "the share of the answer written in a language (eld language identification)",
  score: async (s, input) => languageShare(input.text, s.language, await loadLanguageDetector()),
});
